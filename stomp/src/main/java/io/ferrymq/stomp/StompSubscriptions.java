package io.ferrymq.stomp;

import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.api.TopicSubscription;
import io.ferrymq.core.api.Tx;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.stomp.codec.StompFrame;
import io.ferrymq.stomp.codec.StompVersion;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.EncoderException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The connection's subscriptions: SUBSCRIBE (queues, temporary queues, topics, durable subscriptions) and
 * UNSUBSCRIBE, the MESSAGE frames of their deliveries with the credit that paces them, and ACK and NACK.
 * Runs on the connection's event loop.
 */
final class StompSubscriptions {

    private record PendingAck(StompSubscription subscription) { }

    private final StompConnection conn;
    private final Map<String, StompSubscription> byId = new HashMap<>();
    private final Map<Subscription, StompSubscription> byCore = new IdentityHashMap<>();
    private final Map<String, PendingAck> pendingAcks = new HashMap<>();
    private long nextAckId;

    StompSubscriptions(StompConnection conn) {
        this.conn = conn;
    }

    // ------------------------------------------------------------------ SUBSCRIBE / UNSUBSCRIBE

    void onSubscribe(StompFrame f) {
        StompVersion version = conn.version;
        Session session = conn.session;
        String destination = f.header("destination");
        StompDestination d = StompDestination.parse(destination);
        String id = f.header("id");
        if (id == null) {
            if (version != StompVersion.V1_0) {
                throw BrokerException.invalid("SUBSCRIBE needs an id header in STOMP " + version.text());
            }
            id = destination;
        }
        if (byId.containsKey(id)) {
            throw BrokerException.illegalState("subscription id '" + id + "' is already in use on this connection");
        }
        AckMode ack = AckMode.parse(f.header("ack"));
        int prefetch = prefetch(f);
        String selector = f.header("selector");
        ConsumeOptions options = StompDispatchHeaders.apply(f,
                ConsumeOptions.credit(prefetch).withAutoSettle(ack == AckMode.AUTO));
        String subscriptionId = id;
        CompletableFuture<Subscription> subscribed;
        String durableQueue = null;
        switch (d.kind()) {
            case QUEUE -> {
                session.ensureQueue(d.name());
                subscribed = session.consume(Source.queue(d.name()), withSelector(options, selector));
            }
            case AMQ_QUEUE, REPLY_QUEUE -> subscribed = session.consume(Source.queue(d.name()), withSelector(options, selector));
            case TEMP_QUEUE -> subscribed = session.consume(Source.queue(conn.tempQueues.resolve(d.name())),
                    withSelector(options, selector));
            case TOPIC, EXCHANGE -> {
                FilterSpec filter = selector == null ? null : FilterSpec.sql(selector);
                durableQueue = durableQueueName(f, id);
                TopicSubscription spec = durableQueue == null
                        ? new TopicSubscription(d.name(), d.key(), null, null, filter, null)
                        : new TopicSubscription(d.name(), d.key(), durableQueue, durableQueue, filter, null);
                subscribed = session.consume(Source.topic(spec), options);
            }
            default -> throw new IllegalStateException(d.kind().name());
        }
        String durable = durableQueue;
        conn.track(subscribed).whenComplete((sub, t) -> {
            if (t != null) {
                conn.fail(f, BrokerException.from(t));
                return;
            }
            if (!conn.isConnected()) {
                sub.close();
                return;
            }
            register(new StompSubscription(subscriptionId, ack, sub, durable, prefetch));
            conn.receipt(f);
        });
    }

    /** A temporary reply queue with the connection subscribed to it under the reply-to name. */
    String replyQueue(String replyTo) {
        String name = replyTo.substring("/temp-queue/".length());
        boolean existed = conn.tempQueues.has(name);
        String real = conn.tempQueues.resolve(name);
        if (!existed && !byId.containsKey(replyTo)) {
            int prefetch = conn.settings.defaultPrefetch();
            conn.track(conn.session.consume(Source.queue(real), ConsumeOptions.credit(prefetch).withAutoSettle(true)))
                    .whenComplete((sub, t) -> {
                        if (t != null) {
                            conn.fail(null, BrokerException.from(t));
                        } else {
                            register(new StompSubscription(replyTo, AckMode.AUTO, sub, null, prefetch));
                        }
                    });
        }
        return real;
    }

    private void register(StompSubscription s) {
        byId.put(s.id, s);
        byCore.put(s.core, s);
    }

    private static ConsumeOptions withSelector(ConsumeOptions o, String selector) {
        return selector == null ? o : o.withFilter(FilterSpec.sql(selector));
    }

    private int prefetch(StompFrame f) {
        String p = f.header("activemq.prefetchSize");
        if (p == null) {
            p = f.header("prefetch-count");
        }
        if (p == null) {
            return conn.settings.defaultPrefetch();
        }
        try {
            int n = Integer.parseInt(p.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw BrokerException.invalid("prefetch must be a positive whole number, was '" + p + "'");
    }

    /**
     * The queue of a durable topic subscription: ActiveMQ style ({@code activemq.subscriptionName} with the
     * CONNECT {@code client-id}) or RabbitMQ style ({@code durable:true} or {@code persistent:true} with the
     * subscription id). Named {@code CLIENT.SUBSCRIPTION}; null for a non-durable subscription.
     */
    private String durableQueueName(StompFrame f, String id) {
        String name = f.header("activemq.subscriptionName");
        if (name == null && ("true".equals(f.header("durable")) || "true".equals(f.header("persistent")))) {
            name = id;
        }
        if (name == null) {
            return null;
        }
        String client = conn.clientId != null ? conn.clientId : conn.session.principal().name();
        return client + "." + name;
    }

    void onUnsubscribe(StompFrame f) {
        StompVersion version = conn.version;
        String id = f.header("id");
        if (id == null) {
            if (version != StompVersion.V1_0) {
                throw BrokerException.invalid("UNSUBSCRIBE needs an id header in STOMP " + version.text());
            }
            id = f.header("destination");
        }
        boolean removeDurable = f.hasHeader("activemq.subscriptionName") || "true".equals(f.header("durable"))
                || "true".equals(f.header("persistent"));
        StompSubscription s = id == null ? null : byId.remove(id);
        if (s == null) {
            String queue = removeDurable && id != null ? durableQueueName(f, id) : null;
            if (queue != null && conn.session.admin().queueExists(queue)) {
                // ActiveMQ removes a durable subscription that is not active by unsubscribing its name.
                conn.track(conn.session.admin().deleteQueue(queue, false, false)).whenComplete((n, t) -> conn.done(f, t));
                return;
            }
            throw BrokerException.notFound("no subscription with id '" + id + "' on this connection");
        }
        for (String ackId : s.pendingAckIds()) {
            pendingAcks.remove(ackId);
        }
        CompletableFuture<?> closed = cancel(s);
        if (removeDurable && s.durableQueue != null) {
            closed = closed.thenCompose(v -> conn.session.admin().deleteQueue(s.durableQueue, false, false));
        }
        conn.track(closed).whenComplete((v, t) -> conn.done(f, t));
    }

    /**
     * Closes a subscription's consumer. The subscription stays known until the close completes: deliveries
     * its queue handed out meanwhile are settled ones (written to the client, see {@link #deliver}) or ones
     * the queue takes back when it closes the consumer.
     */
    private CompletableFuture<Void> cancel(StompSubscription s) {
        s.cancelling = true;
        CompletableFuture<Void> closed = new CompletableFuture<>();
        s.core.close().whenComplete((v, t) -> conn.executor().execute(() -> {
            byCore.remove(s.core);
            if (t != null) {
                closed.completeExceptionally(t);
            } else {
                closed.complete(null);
            }
        }));
        return closed;
    }

    /** DISCONNECT: cancels every subscription; the futures complete once their queues stopped handing out. */
    List<CompletableFuture<?>> cancelAll() {
        List<CompletableFuture<?>> closing = new ArrayList<>(byId.size());
        for (StompSubscription s : byId.values()) {
            closing.add(cancel(s));
        }
        return closing;
    }

    // ------------------------------------------------------------------ ACK / NACK

    void onAck(StompFrame f, boolean accept) {
        StompVersion version = conn.version;
        String header = version == StompVersion.V1_2 ? "id" : "message-id";
        String ackId = f.header(header);
        if (ackId == null) {
            throw BrokerException.invalid(f.command() + " needs a " + header + " header in STOMP " + version.text());
        }
        PendingAck p = pendingAcks.get(ackId);
        if (p == null) {
            throw BrokerException.notFound("no message with " + header + " '" + ackId
                    + "' is waiting for acknowledgement on this connection");
        }
        Outcome outcome = accept ? Outcome.ACCEPT
                : "false".equals(f.header("requeue")) ? Outcome.reject("rejected by the client (NACK with requeue:false)")
                : Outcome.REQUEUE;
        Tx tx = conn.transactions.of(f);
        StompSubscription s = p.subscription();
        List<Map.Entry<String, Delivery>> settled = s.settle(ackId);
        List<CompletableFuture<Void>> results = new ArrayList<>(settled.size());
        for (Map.Entry<String, Delivery> e : settled) {
            // Settled ids are forgotten at once: acknowledging one twice is an error, as in ActiveMQ.
            pendingAcks.remove(e.getKey());
            results.add(conn.session.settle(e.getValue(), outcome, tx));
        }
        s.core.credit(settled.size());
        conn.track(CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)))
                .whenComplete((v, t) -> conn.done(f, t));
    }

    // ------------------------------------------------------------------ deliveries

    void deliver(Delivery d) {
        StompSubscription s = byCore.get(d.subscription());
        if (s == null) {
            return;
        }
        var ctx = conn.ctx;
        boolean live = !s.cancelling && !conn.isClosed();
        if (!live && (d.needsSettlement() || !ctx.channel().isActive())) {
            // A delivery awaiting an ACK goes back to its queue when the consumer closes. A settled one
            // still goes to a client that is there: nothing can take it back.
            return;
        }
        String ackId = Long.toString(++nextAckId);
        boolean needsAck = s.ack != AckMode.AUTO;
        if (needsAck) {
            s.awaitAck(ackId, d);
            pendingAcks.put(ackId, new PendingAck(s));
        }
        ByteBuf frame;
        try {
            frame = StompMessageFrames.encode(ctx.alloc(), d, s, ackId, needsAck, conn.version);
        } catch (IllegalArgumentException e) {
            // A destination this version cannot carry: the connection ends as for any frame it cannot encode.
            conn.exceptionCaught(ctx, new EncoderException(e));
            return;
        }
        if (needsAck || !live) {
            ctx.write(frame, ctx.voidPromise());
        } else {
            // Auto mode is settled on hand-out: credit comes back as frames reach the socket, so a slow
            // reader holds at most a window of messages in this connection's buffers.
            ctx.write(frame).addListener(creditOnWrite(s));
        }
    }

    /** The subscription's listener that owes credit for each written frame, made once rather than per delivery. */
    private ChannelFutureListener creditOnWrite(StompSubscription s) {
        ChannelFutureListener l = s.creditOnWrite;
        if (l == null) {
            l = w -> {
                if (w.isSuccess() && s.owedCredit.owe()) {
                    grantOwedCredit(s);
                }
            };
            s.creditOnWrite = l;
        }
        return l;
    }

    private void grantOwedCredit(StompSubscription s) {
        if (conn.ctx.channel().isWritable() && !s.cancelling && byId.get(s.id) == s) {
            s.owedCredit.giveBack();
        }
    }

    /** The socket can take more: every subscription gets the credit it is owed. */
    void writable() {
        byId.values().forEach(this::grantOwedCredit);
    }

    /** After a batch: whatever auto-mode credit is owed is granted now, not held back until half a window fills. */
    void flushed() {
        for (StompSubscription s : byId.values()) {
            if (s.ack == AckMode.AUTO) {
                grantOwedCredit(s);
            }
        }
    }

    /** @return the client's id of the subscription the broker ended; null when the connection no longer has it */
    String closedByBroker(Subscription subscription) {
        StompSubscription s = byCore.remove(subscription);
        if (s == null) {
            return null;
        }
        byId.remove(s.id);
        return s.id;
    }
}
