package io.ferrymq.amqp091;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.security.BrokerPrincipal;
import io.ferrymq.core.stream.StreamMode;
import io.ferrymq.core.stream.StreamSpec;
import io.ferrymq.core.vhost.QueueDeclaration;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * RabbitMQ's stream queues ({@code x-queue-type: stream}) on the core's streams, shared by the module's connections.
 * A stream queue is two things of the same name: a core stream of one shard (the log its consumers read, each from
 * an offset of its own, nothing removed by an ack) and a durable core queue that takes what exchanges route to the
 * name, so bindings, the default exchange and every protocol's publishes reach it and are confirmed once stored.
 * A {@link StreamFeeder} moves that queue's messages into the stream in order.
 */
final class StreamQueues {

    static final String TYPE = "stream";
    static final String QUEUE_TYPE = "x-queue-type";
    /** RabbitMQ keeps a stream's records until a limit says otherwise; the core's streams need a time. */
    private static final long FOREVER_MILLIS = 100L * 365 * 24 * 3600 * 1000;

    private final Broker broker;
    private final Map<String, StreamFeeder> feeders = new ConcurrentHashMap<>();

    StreamQueues(Broker broker) {
        this.broker = broker;
    }

    /** Whether {@code queue} is a stream queue (declared with x-queue-type stream). */
    static boolean isStream(Session session, String queue) {
        return session.admin().describeQueue(queue)
                .map(d -> TYPE.equals(String.valueOf(d.arguments().get(QUEUE_TYPE)))).orElse(false);
    }

    /**
     * queue.declare of a stream: RabbitMQ's refusals, then the stream (with retention from x-max-age and
     * x-max-length-bytes) and its queue, and the feeder between them.
     */
    CompletableFuture<io.ferrymq.core.vhost.QueueInfo> declare(Session session, QueueDeclaration d, Executor on) {
        String where = "queue '" + d.name() + "' in vhost '" + session.vhostName() + "'";
        if (d.name().isEmpty()) {
            throw BrokerException.preconditionFailed("a stream queue needs a name");
        }
        if (d.autoDelete()) {
            throw BrokerException.preconditionFailed("invalid property 'auto-delete' for " + where);
        }
        if (d.exclusive()) {
            throw BrokerException.preconditionFailed("invalid property 'exclusive-owner' for " + where);
        }
        if (!d.durable()) {
            throw BrokerException.preconditionFailed("invalid property 'non-durable' for " + where);
        }
        Map<String, Object> args = d.arguments();
        long maxAge = args.containsKey("x-max-age") ? StreamRetention.maxAgeMillis(args.get("x-max-age")) : FOREVER_MILLIS;
        long maxBytes = args.containsKey("x-max-length-bytes")
                ? StreamRetention.positive("x-max-length-bytes", args.get("x-max-length-bytes")) : 0;
        if (args.containsKey("x-stream-max-segment-size-bytes")) {
            StreamRetention.positive("x-stream-max-segment-size-bytes", args.get("x-stream-max-segment-size-bytes"));
        }
        CompletableFuture<?> stream = broker.streams().list(session).stream().anyMatch(s -> s.name().equals(d.name()))
                ? CompletableFuture.completedFuture(null)
                : broker.streams().create(session, new StreamSpec(d.name(), 1, StreamMode.PROVISIONED, maxAge, maxBytes,
                        Map.of()), on);
        return stream.thenCompose(v -> session.admin().declareQueue(d)).thenApply(info -> {
            feed(session.vhostName(), d.name(), session.principal());
            return info;
        });
    }

    /**
     * Starts moving {@code name}'s queue into its stream, if nothing does yet, as {@code who} (a user allowed to
     * use the stream: the one declaring or consuming it).
     */
    void feed(String vhost, String name, BrokerPrincipal who) {
        feeders.computeIfAbsent(vhost + "/" + name, k -> StreamFeeder.start(broker, vhost, name, who,
                () -> feeders.remove(k)));
    }

    /** queue.delete of a stream queue: its stream goes too. */
    CompletableFuture<Void> deleted(Session session, String name, Executor on) {
        StreamFeeder f = feeders.remove(session.vhostName() + "/" + name);
        if (f != null) {
            f.close();
        }
        return broker.streams().delete(session, name, on).exceptionally(t -> null);
    }
}
