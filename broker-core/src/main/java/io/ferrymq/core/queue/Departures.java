package io.ferrymq.core.queue;

import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * How message references leave a queue for good (acknowledged, expired, dead-lettered, dropped) and the
 * storage records that say so. Runs on the queue's executor.
 */
final class Departures {

    // Under the queue's logger name, as before the split, so that logging configuration still applies.
    private static final Logger LOG = LoggerFactory.getLogger(Queue.class);

    private final Queue queue;
    private final QueueHost host;
    private final QueueState state;
    private final QueueLimits limits;
    private final Clock clock;
    private final Storage storage;

    Departures(Queue queue, QueueHost host, QueueState state, QueueLimits limits, Clock clock, Storage storage) {
        this.queue = queue;
        this.host = host;
        this.state = state;
        this.limits = limits;
        this.clock = clock;
        this.storage = storage;
    }

    void takeFromReady(MessageReference ref) {
        state.ready.remove(ref);
        limits.leave(ref.size());
        limits.resident(-ref.size());
    }

    void expire(MessageReference ref) {
        deadLetter(ref, Queue.REASON_EXPIRED, null);
    }

    /**
     * Moves a message that is no longer ready or in flight to the dead-letter (or expiry) target, or
     * drops it when the queue has none.
     */
    void deadLetter(MessageReference ref, String reason, String detail) {
        boolean expiry = Queue.REASON_EXPIRED.equals(reason);
        DeadLetterTarget target = expiry ? queue.settings().expiry() : queue.settings().deadLetter();
        Message copy = target == null ? null
                : DeadLetterCopy.of(ref.message(), queue.name(), reason, detail, ref.deliveryCount, clock.millis());
        List<StorageRecord> records = release(ref);
        boolean moved = target != null && host.republish(queue, copy, target, records);
        QueueCounters counters = state.counters;
        if (expiry) {
            counters.expired++;
            host.messageLeft(queue, MessageEvent.Kind.EXPIRED, ref.message(), reason);
        } else if (moved) {
            counters.deadLettered++;
            host.messageLeft(queue, MessageEvent.Kind.DEAD_LETTERED, ref.message(), reason);
        } else {
            counters.dropped++;
        }
        if (!moved) {
            if (target != null) {
                LOG.debug("Queue '{}': {} message {} dropped, its {} target {} routes nowhere", queue.name(), reason,
                        ref.messageId(), expiry ? "expiry" : "dead-letter", target.describe());
            }
            if (!records.isEmpty()) {
                storage.append(records);
            }
        }
        limits.unblockIfRoom();
    }

    /** Lets go of a reference that has left the queue for good. @return the records that store that */
    List<StorageRecord> release(MessageReference ref) {
        ref.state = MessageReference.State.GONE;
        boolean lastStored = ref.routed.release(ref.stored);
        if (!ref.stored) {
            return List.of();
        }
        if (lastStored) {
            return List.of(new StorageRecord.DeleteReference(queue.id(), ref.messageId()),
                    new StorageRecord.DeleteMessage(ref.messageId()));
        }
        return List.of(new StorageRecord.DeleteReference(queue.id(), ref.messageId()));
    }

    /** On deletion the queue's references go with it; only messages nobody else holds are deleted. */
    void drop(MessageReference r, List<StorageRecord> records) {
        r.state = MessageReference.State.GONE;
        if (r.routed.release(r.stored)) {
            records.add(new StorageRecord.DeleteMessage(r.messageId()));
        }
    }
}
