package io.ferrymq.server.bridge;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.PullOptions;
import io.ferrymq.core.stream.AppendRequest;
import io.ferrymq.core.stream.AppendResult;
import io.ferrymq.core.stream.StreamMode;
import io.ferrymq.core.stream.StreamSpec;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One binding from an exchange into a stream. The broker's own session keeps a durable queue
 * ({@code stream-bridge-NAME}) bound to the exchange with the pattern, takes its messages in batches, appends
 * them to the stream in queue order and accepts them once the append is on disk: at least once, and in order
 * per partition key (one batch at a time). A batch that cannot be appended is kept (its leases extended) and
 * appended again a second later, before anything newer is taken from the queue: a failed append never lets a
 * device's later messages into the stream ahead of its earlier ones.
 */
public final class StreamBridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamBridge.class);
    static final int BATCH = 500;
    static final long POLL_MILLIS = 1_000;
    static final long LEASE_MILLIS = 60_000;
    static final long RETRY_MILLIS = 1_000;
    static final long RETENTION_MILLIS = TimeUnit.HOURS.toMillis(24);

    /** How a record's partition key comes from its message. */
    public sealed interface PartitionKey {
        String of(Message m);

        /** The MQTT topic: the routing key with its levels swapped back ({@code .} <-> {@code /}). */
        record Topic() implements PartitionKey {
            @Override
            public String of(Message m) {
                return swapLevels(m.routingKey());
            }
        }

        record RoutingKey() implements PartitionKey {
            @Override
            public String of(Message m) {
                return m.routingKey();
            }
        }

        record Property(String name) implements PartitionKey {
            @Override
            public String of(Message m) {
                Object v = m.property(name);
                return v == null ? m.routingKey() : v.toString();
            }
        }
    }

    /** Appends a batch of records to the stream: the broker's streams, or a test's stand-in that fails. */
    @FunctionalInterface
    interface Appender {
        CompletableFuture<List<AppendResult>> append(Session session, String stream, List<AppendRequest> records,
                                                     Executor on);
    }

    /** A bridge's settings, checked. */
    public record Definition(String name, String vhost, String exchange, String pattern, String stream, int shards,
                             PartitionKey partitionKey) {
        String queue() {
            return "stream-bridge-" + name;
        }
    }

    private final Broker broker;
    private final Definition def;
    private final Executor executor;
    private final Appender appender;
    private volatile boolean closed;
    private Session session;

    public StreamBridge(Broker broker, Definition def) {
        this(broker, def, (session, stream, records, on) -> broker.streams().append(session, stream, records,
                (shard, bytes) -> true, on));
    }

    StreamBridge(Broker broker, Definition def, Appender appender) {
        this.broker = broker;
        this.def = def;
        this.executor = broker.newSerialExecutor();
        this.appender = appender;
    }

    /** Creates the stream if missing and binds the queue; completes when the bridge runs. */
    public CompletableFuture<Void> start() {
        session = broker.systemSession(def.vhost());
        CompletableFuture<?> stream;
        try {
            broker.streams().describe(session, def.stream());
            stream = CompletableFuture.completedFuture(null);
        } catch (BrokerException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            stream = broker.streams().create(session, new StreamSpec(def.stream(), def.shards(),
                    StreamMode.PROVISIONED, RETENTION_MILLIS, 0, Map.of()), executor).exceptionally(t -> {
                        // Another bridge into the same stream created it first.
                        if (BrokerException.from(t).code() == ErrorCode.PRECONDITION_FAILED) {
                            return null;
                        }
                        throw BrokerException.from(t);
                    });
        }
        return stream.thenCompose(v -> session.admin().bindManagedQueue(QueueDeclaration.durable(def.queue()),
                def.exchange(), def.pattern())).thenRun(() -> {
                    LOG.info("Stream bridge '{}': {} '{}' in vhost '{}' into stream '{}'", def.name(), def.exchange(),
                            def.pattern(), def.vhost(), def.stream());
                    executor.execute(this::pull);
                });
    }

    private void pull() {
        if (closed) {
            return;
        }
        session.pull(def.queue(), new PullOptions(BATCH, POLL_MILLIS, LEASE_MILLIS, false))
                .whenCompleteAsync((deliveries, t) -> {
                    if (t != null) {
                        retry("taking messages from queue '" + def.queue() + "'", t);
                    } else if (deliveries.isEmpty()) {
                        pull();
                    } else {
                        append(deliveries);
                    }
                }, executor);
    }

    private void append(List<Delivery> deliveries) {
        List<AppendRequest> records = new ArrayList<>(deliveries.size());
        for (Delivery d : deliveries) {
            String key = def.partitionKey().of(d.message());
            records.add(new AppendRequest(key == null || key.isEmpty() ? def.name() : key, null, d.message().body()));
        }
        append(deliveries, records);
    }

    private void append(List<Delivery> deliveries, List<AppendRequest> records) {
        appender.append(session, def.stream(), records, executor)
                .whenComplete((results, t) -> {
                    if (t != null) {
                        appendAgain(deliveries, records, t);
                        return;
                    }
                    List<CompletableFuture<Void>> settled = new ArrayList<>(deliveries.size());
                    deliveries.forEach(d -> settled.add(session.settle(d, Outcome.ACCEPT, null)));
                    CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new))
                            .whenCompleteAsync((v, t2) -> {
                                if (t2 != null) {
                                    retry("accepting bridged messages", t2);
                                } else {
                                    pull();
                                }
                            }, executor);
                });
    }

    /**
     * The same batch again, in the same order, a second later: released to the queue instead, newer messages
     * taken meanwhile could reach the stream first. Its leases are extended so that it stays this bridge's.
     */
    private void appendAgain(List<Delivery> deliveries, List<AppendRequest> records, Throwable t) {
        if (closed || !broker.isActive()) {
            deliveries.forEach(d -> session.settle(d, Outcome.RELEASE, null));
            return;
        }
        LOG.warn("Stream bridge '{}': appending {} message(s) to stream '{}' failed ({}); appending them again in {}"
                + " ms", def.name(), deliveries.size(), def.stream(), BrokerException.from(t).getMessage(), RETRY_MILLIS);
        for (Delivery d : deliveries) {
            session.changeLease(def.queue(), d.deliveryId(), LEASE_MILLIS);
        }
        CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS, executor)
                .execute(() -> append(deliveries, records));
    }

    private void retry(String what, Throwable t) {
        if (closed || !broker.isActive()) {
            return;
        }
        LOG.warn("Stream bridge '{}': {} failed ({}); trying again in {} ms", def.name(), what,
                BrokerException.from(t).getMessage(), RETRY_MILLIS);
        CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS, executor).execute(this::pull);
    }

    /** The MQTT topic of a routing key, or the routing key of an MQTT topic: {@code /} and {@code .} swapped. */
    static String swapLevels(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c == '/' ? '.' : c == '.' ? '/' : c);
        }
        return b.toString();
    }

    /** The pattern on {@code amq.topic} of an MQTT topic filter: levels swapped, {@code +} -> {@code *}. */
    static String patternOfMqttFilter(String filter) {
        return swapLevels(filter).replace('+', '*');
    }

    @Override
    public void close() {
        closed = true;
    }
}
