package io.ferrymq.amqp091;

import io.ferrymq.amqp091.codec.AmqpFrameException;
import io.ferrymq.amqp091.codec.BasicProperties;
import io.ferrymq.amqp091.codec.Method;
import io.ferrymq.amqp091.codec.MethodSpec;
import io.ferrymq.amqp091.codec.ReplyCodes;
import io.ferrymq.core.api.ChannelInfo;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.api.Tx;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.PullOptions;
import io.ferrymq.core.queue.Subscription;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The consuming side of a channel: basic.qos, consume, cancel, get, and the delivery tags with their
 * acks, nacks, rejects and recover. A consumer with a prefetch limit (its own, global=false, or the
 * channel's, global=true; RabbitMQ applies both when both are set) gets credit back as its deliveries
 * are settled; one without (or with no-ack) gets its credit back as its deliveries reach the socket.
 *
 * <p>The channel's limit is shared by consumers on queues the adapter cannot see into, so each limited
 * consumer may hold credit for all of the channel's free room: what arrives beyond the limit waits here
 * (not yet written, still the queue's unacknowledged message) until acknowledgements make room. That
 * way a consumer whose queue is empty never sits on credit another consumer needs.
 */
final class Consumers {

    private final Amqp091Channel ch;
    private final Map<String, Consumer> byTag = new LinkedHashMap<>();
    /** Consumers of stream queues, by tag. */
    private final Map<String, StreamConsumer> streamConsumers = new LinkedHashMap<>();
    /**
     * Cancelled consumers that still have unacknowledged deliveries: as in RabbitMQ those stay with the
     * channel until settled, so the subscription is closed (which would return them) only after the last.
     */
    private final List<Consumer> draining = new ArrayList<>();
    /** Unsettled deliveries by delivery tag, in tag order. */
    private LinkedHashMap<Long, Unacked> unacked = new LinkedHashMap<>();
    /**
     * Acks, nacks and rejects of the open transaction: applied at commit; at rollback their deliveries are
     * unacknowledged on the channel again (not requeued), as RabbitMQ does.
     */
    private final List<TxSettlement> inTx = new ArrayList<>();
    /** Deliveries the channel's global limit holds back, in arrival order. */
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long lastDeliveryTag;
    /** The channel's direct reply-to consumer (its tag and reply address), or null. */
    private String replyTag;
    private String replyAddress;
    /** basic.qos global=false: the limit of consumers started from now on. */
    private int prefetch;
    /** basic.qos global=true: the limit of the channel, shared by its consumers; 0 for none. */
    private int globalPrefetch;
    /** Unsettled deliveries of this channel's consumers (basic.get's do not count), against the global limit. */
    private int channelUnacked;

    Consumers(Amqp091Channel ch) {
        this.ch = ch;
    }

    private static final class Consumer {
        final String tag;
        final boolean noAck;
        final int prefetch;
        Subscription subscription;
        /** Credit granted to the subscription and not yet used by a delivery. */
        int credit;
        int owed;
        int unacked;
        /** Of this consumer's deliveries, those waiting in {@link #held}. */
        int held;
        boolean cancelled;

        Consumer(String tag, boolean noAck, int prefetch) {
            this.tag = tag;
            this.noAck = noAck;
            this.prefetch = prefetch;
        }

    }

    /** A delivery not yet settled: of a queue (its core delivery), or of a stream consumer (nothing to settle). */
    private record Unacked(long tag, Delivery delivery, Consumer consumer, StreamConsumer stream) { }

    private record TxSettlement(Unacked unacked, Outcome outcome) { }

    private record Held(Delivery delivery, Consumer consumer) { }

    /** Whether credit comes back as deliveries are written (no limit applies) rather than as they are settled. */
    /** This channel as the operator's channel list shows it. */
    ChannelInfo info(int number, boolean transactional, boolean confirm) {
        return new ChannelInfo(number, byTag.size() + streamConsumers.size(), unacked.size(),
                prefetch, globalPrefetch, transactional, confirm);
    }

    private boolean windowed(Consumer c) {
        return c.noAck || c.prefetch == 0 && globalPrefetch == 0;
    }

    /** How much more credit a limited consumer may hold; negative when it holds more than its limits allow. */
    private int room(Consumer c) {
        int room = Integer.MAX_VALUE;
        if (c.prefetch > 0) {
            room = c.prefetch - c.unacked - c.held - c.credit;
        }
        if (globalPrefetch > 0) {
            room = Math.min(room, globalPrefetch - channelUnacked - held.size() - c.credit);
        }
        return room;
    }

    private Session session() {
        return ch.session();
    }

    // ------------------------------------------------------------------ qos, consume, cancel

    void qos(Method m) {
        if (m.longValue(0) != 0) {
            throw new AmqpFrameException(ReplyCodes.NOT_IMPLEMENTED, "prefetch_size!=0 (" + m.longValue(0) + ")");
        }
        if (!m.bit(2)) {
            // Per consumer, for consumers started after it, as RabbitMQ 3.x does for global=false.
            prefetch = m.integer(1);
            ch.conn.send(ch.number, new Method(MethodSpec.BASIC_QOS_OK));
            return;
        }
        // The channel's limit applies at once, to the consumers already there too.
        globalPrefetch = m.integer(1);
        int window = ch.conn.settings.consumerWindow();
        for (Consumer c : byTag.values()) {
            if (c.subscription == null || c.cancelled) {
                continue;
            }
            if (windowed(c)) {
                int grant = window - c.credit - c.owed;
                if (grant > 0) {
                    c.credit += grant;
                    c.subscription.credit(grant);
                }
            } else if (room(c) < 0 && c.credit > 0) {
                // More credit out than the new limit allows: take it back; what the drain still delivers waits.
                Consumer drained = c;
                ch.session().drain(c.subscription).thenAccept(given -> {
                    drained.credit = Math.max(0, drained.credit - given);
                    if (ch.isOpen()) {
                        topUp(drained);
                    }
                });
            }
        }
        writeHeld();
        topUpAll();
        ch.conn.ctx.flush();
        ch.conn.send(ch.number, new Method(MethodSpec.BASIC_QOS_OK));
    }

    void consume(Method m) {
        String queue = ch.queueName(m.str(1));
        String tag = m.str(2).isEmpty() ? "amq.ctag-" + UUID.randomUUID() : m.str(2);
        boolean noAck = m.bit(4);
        boolean exclusive = m.bit(5);
        boolean noWait = m.bit(6);
        if (byTag.containsKey(tag) || streamConsumers.containsKey(tag) || tag.equals(replyTag)) {
            throw new AmqpFrameException(ReplyCodes.NOT_ALLOWED, "attempt to reuse consumer tag '" + tag + "'");
        }
        if (queue.equals(DirectReplyTo.PSEUDO_QUEUE)) {
            consumeReplies(tag, noAck, noWait);
            return;
        }
        if (StreamQueues.isStream(session(), queue)) {
            consumeStream(m, queue, tag, noAck, noWait);
            return;
        }
        Object priority = m.table(7) == null ? null : m.table(7).get("x-priority");
        if (priority != null && !(priority instanceof Byte || priority instanceof Short || priority instanceof Integer
                || priority instanceof Long && (long) priority == (int) (long) priority)) {
            ch.error(ReplyCodes.PRECONDITION_FAILED, "invalid arg 'x-priority' for consumer on queue '" + queue
                    + "': " + priority + " (it must be a whole number)", m);
            return;
        }
        Consumer c = new Consumer(tag, noAck, prefetch);
        int credit = windowed(c) ? ch.conn.settings.consumerWindow() : Math.max(0, room(c));
        c.credit = credit;
        byTag.put(tag, c);
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
            topUp(c);
        });
    }

    /**
     * basic.consume of a stream queue, with RabbitMQ's conditions: manual acknowledgement and a prefetch limit
     * (basic.qos) first.
     */
    private void consumeStream(Method m, String queue, String tag, boolean noAck, boolean noWait) {
        String where = "queue '" + queue + "' in vhost '" + session().vhostName() + "'";
        if (noAck) {
            throw new AmqpFrameException(ReplyCodes.NOT_IMPLEMENTED,
                    "automatic acknowledgement not supported by stream queues " + where);
        }
        if (prefetch == 0) {
            // RabbitMQ 3.x's text, quotes and all.
            throw BrokerException.preconditionFailed("consumer prefetch count is not set for '" + where + "'");
        }
        if (globalPrefetch > 0) {
            throw new AmqpFrameException(ReplyCodes.NOT_IMPLEMENTED, where + " does not support global qos");
        }
        int limit = prefetch;
        ch.conn.streamQueues.feed(session().vhostName(), queue, session().principal());
        StreamConsumer[] self = new StreamConsumer[1];
        self[0] = new StreamConsumer(ch, tag, queue, limit, () -> {
            long t = ++lastDeliveryTag;
            unacked.put(t, new Unacked(t, null, null, self[0]));
            return t;
        });
        self[0].position(m.table(7) == null ? null : m.table(7).get(StreamConsumer.OFFSET));
        streamConsumers.put(tag, self[0]);
        if (!noWait) {
            ch.conn.send(ch.number, new Method(MethodSpec.BASIC_CONSUME_OK, tag));
        }
        self[0].resume();
    }

    /** basic.consume from amq.rabbitmq.reply-to: the channel's reply address, with RabbitMQ's refusals. */
    private void consumeReplies(String tag, boolean noAck, boolean noWait) {
        if (!noAck) {
            throw BrokerException.preconditionFailed("reply consumer cannot acknowledge");
        }
        if (replyTag != null) {
            throw BrokerException.preconditionFailed("reply consumer already set");
        }
        replyTag = tag;
        replyAddress = ch.conn.directReplyTo.register(ch);
        if (!noWait) {
            ch.conn.send(ch.number, new Method(MethodSpec.BASIC_CONSUME_OK, tag));
        }
    }

    /** The reply address requests on this channel get, or null without a reply consumer. */
    String replyAddress() {
        return replyAddress;
    }

    void deliverReply(String address, BasicProperties properties, byte[] body) {
        if (!address.equals(replyAddress)) {
            return; // the consumer it was for was cancelled meanwhile: dropped, as RabbitMQ does
        }
        ch.conn.writeContent(ch.number, new Method(MethodSpec.BASIC_DELIVER, replyTag, ++lastDeliveryTag, false, "",
                address), properties, body);
        ch.conn.ctx.flush();
    }

    private void stopReplies() {
        if (replyAddress != null) {
            ch.conn.directReplyTo.unregister(replyAddress);
        }
        replyTag = null;
        replyAddress = null;
    }

    void cancel(Method m) {
        String tag = m.str(0);
        boolean noWait = m.bit(1);
        StreamConsumer stream = streamConsumers.remove(tag);
        if (stream != null) {
            stream.cancel();
            if (!noWait) {
                ch.conn.send(ch.number, new Method(MethodSpec.BASIC_CANCEL_OK, tag));
            }
            return;
        }
        if (tag.equals(replyTag)) {
            stopReplies();
            if (!noWait) {
                ch.conn.send(ch.number, new Method(MethodSpec.BASIC_CANCEL_OK, tag));
            }
            return;
        }
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
        releaseHeld(c);
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
        c.credit--;
        if (d.needsSettlement() && !windowed(c) && globalPrefetch > 0
                && (!held.isEmpty() || channelUnacked >= globalPrefetch)) {
            held.add(new Held(d, c));
            c.held++;
            return true;
        }
        write(d, c);
        return true;
    }

    private void write(Delivery d, Consumer c) {
        long tag = ++lastDeliveryTag;
        if (d.needsSettlement()) {
            unacked.put(tag, new Unacked(tag, d, c, null));
            c.unacked++;
            channelUnacked++;
        }
        if (windowed(c)) {
            c.owed++;
        }
        Message msg = d.message();
        ch.conn.writeContent(ch.number, new Method(MethodSpec.BASIC_DELIVER, c.tag, tag, d.redelivered(),
                msg.address(), msg.routingKey()), Amqp091Messages.toProperties(msg, ch.conn.broker.currentTimeMillis()),
                msg.body());
    }

    /** Writes held deliveries while the channel's limit has room; true if it wrote any. */
    private boolean writeHeld() {
        boolean wrote = false;
        while (!held.isEmpty() && (globalPrefetch == 0 || channelUnacked < globalPrefetch)) {
            Held h = held.poll();
            h.consumer().held--;
            write(h.delivery(), h.consumer());
            wrote = true;
        }
        return wrote;
    }

    /** A cancelled consumer's held deliveries never reached the client: they go back to their queue. */
    private void releaseHeld(Consumer c) {
        if (c.held == 0) {
            return;
        }
        for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.consumer() == c) {
                it.remove();
                session().settle(h.delivery(), Outcome.RELEASE, null).exceptionally(t -> null);
            }
        }
        c.held = 0;
    }

    private void topUp(Consumer c) {
        if (c.cancelled || c.subscription == null || windowed(c)) {
            return;
        }
        int n = room(c);
        if (n > 0) {
            c.credit += n;
            c.subscription.credit(n);
        }
    }

    private void topUpAll() {
        for (Consumer c : byTag.values()) {
            topUp(c);
        }
    }

    /** Gives consumers without a prefetch limit back the credit their written deliveries used. */
    void grantOwedCredit() {
        for (Consumer c : byTag.values()) {
            if (c.owed > 0 && c.subscription != null && !c.cancelled && windowed(c)) {
                c.subscription.credit(c.owed);
                c.credit += c.owed;
                c.owed = 0;
            }
        }
    }

    void get(Method m) {
        String queue = ch.queueName(m.str(1));
        boolean noAck = m.bit(2);
        if (StreamQueues.isStream(session(), queue)) {
            throw new AmqpFrameException(ReplyCodes.NOT_IMPLEMENTED, "basic.get not supported by stream queues queue '"
                    + queue + "' in vhost '" + session().vhostName() + "'");
        }
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
                    unacked.put(tag, new Unacked(tag, d, null, null));
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
        settleAll(take(tag, multiple), Outcome.ACCEPT);
    }

    void nack(long tag, boolean multiple, boolean requeue, Method m) {
        Outcome outcome = requeue ? Outcome.REQUEUE : Outcome.reject("rejected by the consumer ("
                + m.spec().wireName() + " with requeue=false)");
        settleAll(take(tag, multiple), outcome);
    }

    private void settleAll(List<Unacked> taken, Outcome outcome) {
        if (ch.publisher.transactional()) {
            for (Unacked u : taken) {
                inTx.add(new TxSettlement(u, outcome));
            }
            return;
        }
        for (Unacked u : taken) {
            settle(u, outcome, null);
        }
        if (writeHeld()) {
            ch.conn.ctx.flush();
        }
    }

    /** tx.commit: the transaction's settlements join it, to be stored with its messages. */
    void commitSettlements(Tx tx) {
        for (TxSettlement s : inTx) {
            settle(s.unacked(), s.outcome(), tx);
        }
        inTx.clear();
        if (writeHeld()) {
            ch.conn.ctx.flush();
        }
    }

    /** tx.rollback: the transaction's settlements are forgotten; their deliveries stay unacknowledged here. */
    void rollbackSettlements() {
        if (inTx.isEmpty()) {
            return;
        }
        TreeMap<Long, Unacked> all = new TreeMap<>(unacked);
        for (TxSettlement s : inTx) {
            all.put(s.unacked().tag(), s.unacked());
        }
        inTx.clear();
        unacked = new LinkedHashMap<>(all);
    }

    void recover(Method m) {
        if (!m.bit(0)) {
            throw new AmqpFrameException(ReplyCodes.NOT_IMPLEMENTED, "requeue=false");
        }
        List<Unacked> all = new ArrayList<>(unacked.values());
        unacked.clear();
        for (Unacked u : all) {
            settle(u, Outcome.REQUEUE, null);
        }
        if (writeHeld()) {
            ch.conn.ctx.flush();
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

    private void settle(Unacked u, Outcome outcome, Tx tx) {
        if (u.stream() != null) {
            // A stream keeps its records: a settlement only makes room for the next delivery.
            u.stream().settled();
            return;
        }
        // A failure here means the queue is gone or the delivery already returned: nothing left to settle.
        session().settle(u.delivery(), outcome, tx).exceptionally(t -> null);
        Consumer c = u.consumer();
        if (c == null) {
            return;
        }
        c.unacked--;
        channelUnacked--;
        if (!c.cancelled) {
            if (globalPrefetch > 0) {
                topUpAll();
            } else {
                topUp(c);
            }
        } else {
            if (globalPrefetch > 0) {
                topUpAll();
            }
            if (c.unacked == 0 && draining.remove(c)) {
                ch.conn.unregistered(c.subscription);
                c.subscription.close();
            }
        }
    }

    /** On channel close: unsettled deliveries go back to their queues, consumers end. */
    void release() {
        stopReplies();
        for (Held h : held) {
            session().settle(h.delivery(), Outcome.RELEASE, null).exceptionally(t -> null);
        }
        held.clear();
        for (TxSettlement s : inTx) {
            if (s.unacked().delivery() != null) {
                session().settle(s.unacked().delivery(), Outcome.REQUEUE, null).exceptionally(t -> null);
            }
        }
        inTx.clear();
        for (Unacked u : unacked.values()) {
            if (u.delivery() != null) {
                session().settle(u.delivery(), Outcome.REQUEUE, null).exceptionally(t -> null);
            }
        }
        unacked.clear();
        streamConsumers.values().forEach(StreamConsumer::cancel);
        streamConsumers.clear();
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
