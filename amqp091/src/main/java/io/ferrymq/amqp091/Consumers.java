package io.ferrymq.amqp091;

import io.ferrymq.amqp091.codec.AmqpFrameException;
import io.ferrymq.amqp091.codec.Method;
import io.ferrymq.amqp091.codec.MethodSpec;
import io.ferrymq.amqp091.codec.ReplyCodes;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.PullOptions;
import io.ferrymq.core.queue.Subscription;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The consuming side of a channel: basic.qos, consume, cancel, get, and the delivery tags with their
 * acks, nacks, rejects and recover. A consumer with a prefetch limit gets one credit back per settled
 * delivery; one without (or with no-ack) gets its credit back as its deliveries reach the socket.
 */
final class Consumers {

    private final Amqp091Channel ch;
    private final Map<String, Consumer> byTag = new LinkedHashMap<>();
    /**
     * Cancelled consumers that still have unacknowledged deliveries: as in RabbitMQ those stay with the
     * channel until settled, so the subscription is closed (which would return them) only after the last.
     */
    private final List<Consumer> draining = new ArrayList<>();
    /** Unsettled deliveries by delivery tag, in tag order. */
    private final LinkedHashMap<Long, Unacked> unacked = new LinkedHashMap<>();
    private long lastDeliveryTag;
    private int prefetch;

    Consumers(Amqp091Channel ch) {
        this.ch = ch;
    }

    private static final class Consumer {
        final String tag;
        final boolean noAck;
        final int prefetch;
        Subscription subscription;
        int owed;
        int unacked;
        boolean cancelled;

        Consumer(String tag, boolean noAck, int prefetch) {
            this.tag = tag;
            this.noAck = noAck;
            this.prefetch = prefetch;
        }

        /** Whether credit comes back on settlement (a prefetch limit) rather than on writing. */
        boolean limited() {
            return !noAck && prefetch > 0;
        }
    }

    private record Unacked(Delivery delivery, Consumer consumer) { }

    private Session session() {
        return ch.session();
    }

    // ------------------------------------------------------------------ qos, consume, cancel

    void qos(Method m) {
        if (m.longValue(0) != 0) {
            throw new AmqpFrameException(ReplyCodes.NOT_IMPLEMENTED, "prefetch_size!=0 (" + m.longValue(0) + ")");
        }
        // Per consumer for consumers started after it, as RabbitMQ 3.x does for global=false; a global
        // (per-channel) limit is applied per consumer too.
        prefetch = m.integer(1);
        ch.conn.send(ch.number, new Method(MethodSpec.BASIC_QOS_OK));
    }

    void consume(Method m) {
        String queue = ch.queueName(m.str(1));
        String tag = m.str(2).isEmpty() ? "amq.ctag-" + UUID.randomUUID() : m.str(2);
        boolean noAck = m.bit(4);
        boolean exclusive = m.bit(5);
        boolean noWait = m.bit(6);
        if (byTag.containsKey(tag)) {
            throw new AmqpFrameException(ReplyCodes.NOT_ALLOWED, "attempt to reuse consumer tag '" + tag + "'");
        }
        Object priority = m.table(7) == null ? null : m.table(7).get("x-priority");
        if (priority != null && !(priority instanceof Byte || priority instanceof Short || priority instanceof Integer
                || priority instanceof Long && (long) priority == (int) (long) priority)) {
            ch.error(ReplyCodes.PRECONDITION_FAILED, "invalid arg 'x-priority' for consumer on queue '" + queue
                    + "': " + priority + " (it must be a whole number)", m);
            return;
        }
        Consumer c = new Consumer(tag, noAck, prefetch);
        byTag.put(tag, c);
        int credit = c.limited() ? prefetch : ch.conn.settings.consumerWindow();
        // no-local is ignored, as RabbitMQ does.
        ConsumeOptions options = ConsumeOptions.credit(credit).withAutoSettle(noAck).withExclusive(exclusive)
                .withPriority(priority == null ? 0 : ((Number) priority).intValue());
        session().consume(Source.queue(queue), options).whenComplete((s, t) -> {
            if (t != null) {
                byTag.remove(tag, c);
                BrokerException e = BrokerException.from(t);
                if (e.code() == ErrorCode.RESOURCE_LOCKED && session().admin().describeQueue(queue)
                        .map(d -> !d.exclusive()).orElse(false)) {
                    // An exclusive consumer holds a shared queue: RabbitMQ refuses that as access.
                    ch.error(ReplyCodes.ACCESS_REFUSED, e.getMessage(), m);
                    return;
                }
                ch.error(e, m);
                return;
            }
            if (!ch.isOpen() || c.cancelled) {
                s.close();
                byTag.remove(tag, c);
                return;
            }
            c.subscription = s;
            ch.conn.registered(s, ch);
            if (!noWait) {
                ch.conn.send(ch.number, new Method(MethodSpec.BASIC_CONSUME_OK, tag));
            }
        });
    }

    void cancel(Method m) {
        String tag = m.str(0);
        boolean noWait = m.bit(1);
        Consumer c = byTag.get(tag);
        if (c == null || c.subscription == null) {
            if (c != null) {
                c.cancelled = true;
                byTag.remove(tag, c);
            }
            if (!noWait) {
                ch.conn.send(ch.number, new Method(MethodSpec.BASIC_CANCEL_OK, tag));
            }
            return;
        }
        c.cancelled = true;
        byTag.remove(tag, c);
        if (c.noAck || c.unacked == 0) {
            // cancel-ok once the queue stopped handing out: auto-acked deliveries on their way are written first.
            draining.add(c);
            c.subscription.close().whenComplete((v, t) -> ch.conn.executor().execute(() -> {
                draining.remove(c);
                ch.conn.unregistered(c.subscription);
                if (!noWait && ch.isOpen()) {
                    ch.conn.send(ch.number, new Method(MethodSpec.BASIC_CANCEL_OK, tag));
                }
            }));
            return;
        }
        draining.add(c);
        if (!noWait) {
            ch.conn.send(ch.number, new Method(MethodSpec.BASIC_CANCEL_OK, tag));
        }
    }

    /** The queue was deleted (or the broker stops): the client hears basic.cancel if it understands it. */
    void closedByBroker(Subscription s, BrokerException reason) {
        for (Iterator<Consumer> it = byTag.values().iterator(); it.hasNext(); ) {
            Consumer c = it.next();
            if (c.subscription == s) {
                it.remove();
                if (ch.conn.capabilities().consumerCancelNotify()) {
                    ch.conn.send(ch.number, new Method(MethodSpec.BASIC_CANCEL, c.tag, true));
                }
                return;
            }
        }
    }

    // ------------------------------------------------------------------ deliveries

    /** Writes a delivery; false when its consumer is cancelled (the message then goes back to its queue). */
    boolean deliver(Delivery d) {
        Consumer c = null;
        for (Consumer x : byTag.values()) {
            if (x.subscription == d.subscription()) {
                c = x;
                break;
            }
        }
        if (c == null) {
            // A cancelled no-ack consumer still gets what the queue already handed out (and settled) for it.
            for (Consumer x : draining) {
                if (x.noAck && x.subscription == d.subscription()) {
                    c = x;
                    break;
                }
            }
        }
        if (c == null) {
            return false;
        }
        long tag = ++lastDeliveryTag;
        if (d.needsSettlement()) {
            unacked.put(tag, new Unacked(d, c));
            c.unacked++;
        }
        if (!c.limited()) {
            c.owed++;
        }
        Message msg = d.message();
        ch.conn.writeContent(ch.number, new Method(MethodSpec.BASIC_DELIVER, c.tag, tag, d.redelivered(),
                msg.address(), msg.routingKey()), Amqp091Messages.toProperties(msg, ch.conn.broker.currentTimeMillis()),
                msg.body());
        return true;
    }

    /** Gives consumers without a prefetch limit back the credit their written deliveries used. */
    void grantOwedCredit() {
        for (Consumer c : byTag.values()) {
            if (c.owed > 0 && c.subscription != null && !c.cancelled) {
                c.subscription.credit(c.owed);
                c.owed = 0;
            }
        }
    }

    void get(Method m) {
        String queue = ch.queueName(m.str(1));
        boolean noAck = m.bit(2);
        session().pull(queue, new PullOptions(1, 0, -1, noAck)).thenCompose(list -> {
            if (list.isEmpty()) {
                return java.util.concurrent.CompletableFuture.completedFuture((Runnable) () ->
                        ch.conn.send(ch.number, new Method(MethodSpec.BASIC_GET_EMPTY, "")));
            }
            Delivery d = list.get(0);
            return session().admin().queueStats(queue).handle((stats, t) -> (Runnable) () -> {
                long left = stats == null ? 0 : stats.ready();
                long tag = ++lastDeliveryTag;
                if (d.needsSettlement()) {
                    unacked.put(tag, new Unacked(d, null));
                }
                Message msg = d.message();
                ch.conn.writeContent(ch.number, new Method(MethodSpec.BASIC_GET_OK, tag, d.redelivered(),
                        msg.address(), msg.routingKey(), left),
                        Amqp091Messages.toProperties(msg, ch.conn.broker.currentTimeMillis()), msg.body());
                ch.conn.ctx.flush();
            });
        }).whenComplete((write, t) -> {
            if (t != null) {
                ch.error(BrokerException.from(t), m);
            } else if (ch.isOpen()) {
                write.run();
            }
        });
    }

    // ------------------------------------------------------------------ settlements

    void ack(long tag, boolean multiple) {
        for (Unacked u : take(tag, multiple)) {
            settle(u, Outcome.ACCEPT);
        }
    }

    void nack(long tag, boolean multiple, boolean requeue, Method m) {
        Outcome outcome = requeue ? Outcome.REQUEUE : Outcome.reject("rejected by the consumer ("
                + m.spec().wireName() + " with requeue=false)");
        for (Unacked u : take(tag, multiple)) {
            settle(u, outcome);
        }
    }

    void recover(Method m) {
        if (!m.bit(0)) {
            throw new AmqpFrameException(ReplyCodes.NOT_IMPLEMENTED, "requeue=false");
        }
        List<Unacked> all = new ArrayList<>(unacked.values());
        unacked.clear();
        for (Unacked u : all) {
            settle(u, Outcome.REQUEUE);
        }
        if (m.spec() == MethodSpec.BASIC_RECOVER) {
            ch.conn.send(ch.number, new Method(MethodSpec.BASIC_RECOVER_OK));
        }
    }

    private List<Unacked> take(long tag, boolean multiple) {
        if (multiple) {
            if (tag != 0 && !unacked.containsKey(tag)) {
                throw unknownTag(tag);
            }
            List<Unacked> out = new ArrayList<>();
            for (Iterator<Map.Entry<Long, Unacked>> it = unacked.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, Unacked> e = it.next();
                if (tag != 0 && e.getKey() > tag) {
                    break;
                }
                out.add(e.getValue());
                it.remove();
            }
            return out;
        }
        Unacked u = unacked.remove(tag);
        if (u == null) {
            throw unknownTag(tag);
        }
        return List.of(u);
    }

    private static BrokerException unknownTag(long tag) {
        return BrokerException.preconditionFailed("unknown delivery tag " + tag);
    }

    private void settle(Unacked u, Outcome outcome) {
        // A failure here means the queue is gone or the delivery already returned: nothing left to settle.
        session().settle(u.delivery(), outcome, ch.publisher.tx()).exceptionally(t -> null);
        Consumer c = u.consumer();
        if (c == null) {
            return;
        }
        c.unacked--;
        if (!c.cancelled) {
            if (c.limited() && c.subscription != null) {
                c.subscription.credit(1);
            }
        } else if (c.unacked == 0 && draining.remove(c)) {
            ch.conn.unregistered(c.subscription);
            c.subscription.close();
        }
    }

    /** On channel close: unsettled deliveries go back to their queues, consumers end. */
    void release() {
        for (Unacked u : unacked.values()) {
            session().settle(u.delivery(), Outcome.REQUEUE, null).exceptionally(t -> null);
        }
        unacked.clear();
        List<Consumer> all = new ArrayList<>(byTag.values());
        all.addAll(draining);
        for (Consumer c : all) {
            c.cancelled = true;
            if (c.subscription != null) {
                ch.conn.unregistered(c.subscription);
                c.subscription.close();
            }
        }
        byTag.clear();
        draining.clear();
    }
}
