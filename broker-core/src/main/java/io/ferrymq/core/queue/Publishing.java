package io.ferrymq.core.queue;

import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.policy.OverflowPolicy;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;

import java.nio.ByteBuffer;

/**
 * Admission of published messages into memory: deduplication ids kept through restarts, the message's
 * expiry and delivery time, ready or scheduled, and the drop-head overflow. The admission decision itself
 * is {@link QueueLimits}'s, on the publisher's thread; the rest runs on the queue's executor.
 */
final class Publishing {

    private final Queue queue;
    private final QueueState state;
    private final QueueLimits limits;
    private final Departures departures;
    private final Clock clock;
    private final Storage storage;
    private final Runnable dispatch;
    private long nextSeq;

    Publishing(Queue queue, QueueState state, QueueLimits limits, Departures departures, Clock clock,
               Storage storage, Runnable dispatch) {
        this.queue = queue;
        this.state = state;
        this.limits = limits;
        this.departures = departures;
        this.clock = clock;
        this.storage = storage;
        this.dispatch = dispatch;
    }

    /** See {@link Queue#deduplicationRecord}. */
    StorageRecord deduplicationRecord(Message message) {
        Deduplicator d = limits.deduplicator();
        String id = message.deduplicationId();
        if (!queue.durable() || d == null || id == null) {
            return null;
        }
        long until = d.until(id);
        if (until == 0) {
            return null;
        }
        return new StorageRecord.PutState(Queue.DEDUPLICATION_STATE, deduplicationKey(queue.id(), id),
                ByteBuffer.allocate(Long.BYTES).putLong(until).array());
    }

    /** See {@link Queue#restoreDeduplicationId}. */
    boolean restoreDeduplicationId(String id, byte[] until) {
        Deduplicator d = limits.deduplicator();
        return d != null && until.length == Long.BYTES && d.restore(id, ByteBuffer.wrap(until).getLong());
    }

    static String deduplicationKey(long queueId, String id) {
        return queueId + "/" + id;
    }

    void add(RoutedMessage m, boolean stored, int deliveryCount, long deliverAt, boolean possiblyDelivered) {
        if (state.deleted) {
            limits.leave(m.size());
            limits.resident(-m.size());
            if (m.release(stored)) {
                storage.append(new StorageRecord.DeleteMessage(m.message().id()));
            }
            return;
        }
        MessageReference ref = newReference(m, stored, deliverAt);
        ref.deliveryCount = deliveryCount;
        ref.possiblyDelivered = possiblyDelivered;
        place(ref);
        if (queue.settings().overflow() == OverflowPolicy.DROP_HEAD && queue.settings().hasLimits()) {
            shedHead();
        }
        dispatch.run();
    }

    MessageReference newReference(RoutedMessage m, boolean stored, long deliverAt) {
        long now = clock.millis();
        long expiresAt = m.message().expiration();
        long ttl = queue.settings().messageTtlMillis();
        if (ttl > 0) {
            long ttlAt = now + ttl;
            expiresAt = expiresAt == 0 ? ttlAt : Math.min(expiresAt, ttlAt);
        }
        long at = deliverAt > 0 ? deliverAt : m.message().deliveryTime();
        return new MessageReference(m, nextSeq++, stored, expiresAt, at);
    }

    void place(MessageReference ref) {
        state.counters.enqueued++;
        if (ref.deliverAt > clock.millis()) {
            state.scheduled.add(ref);
            state.counters.scheduled = state.scheduled.size();
        } else {
            state.ready.addLast(ref);
        }
    }

    private void shedHead() {
        while (limits.overLimits()) {
            MessageReference victim = state.ready.oldestLowest();
            if (victim == null) {
                return;
            }
            departures.takeFromReady(victim);
            departures.deadLetter(victim, Queue.REASON_MAXLEN, "the queue was over its max-length or max-bytes limit");
        }
    }
}
