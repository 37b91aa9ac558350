package io.ferrymq.core.queue;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What becomes of delivered messages: accepted, rejected (dead-lettered), modified or returned to the
 * queue (with its delivery limit and redelivery delay), held for a transaction, or timed out by their
 * lease. Runs on the queue's executor.
 */
final class Settlement {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Queue queue;
    private final QueueState state;
    private final QueueLimits limits;
    private final Departures departures;
    private final Clock clock;
    private final Storage storage;
    private final Runnable dispatch;

    Settlement(Queue queue, QueueState state, QueueLimits limits, Departures departures, Clock clock, Storage storage,
               Runnable dispatch) {
        this.queue = queue;
        this.state = state;
        this.limits = limits;
        this.departures = departures;
        this.clock = clock;
        this.storage = storage;
        this.dispatch = dispatch;
    }

    /** See {@link Queue#settle} and {@link Queue#settleCommitted} ({@code refStored}). */
    CompletableFuture<Void> settle(long deliveryId, Outcome outcome, long connectionId, boolean refStored) {
        MessageReference ref = outstanding(deliveryId, connectionId);
        // leaving flight forgets the owner, which an undeliverable-here modify still needs.
        Consumer owner = ref.owner;
        state.inFlight.leave(ref);
        CompletableFuture<Void> result = DONE;
        if (outcome instanceof Outcome.Accept) {
            result = acknowledge(ref, refStored);
        } else if (outcome instanceof Outcome.Reject r) {
            departures.deadLetter(ref, Queue.REASON_REJECTED, r.reason());
        } else if (outcome instanceof Outcome.Expire) {
            departures.expire(ref);
        } else {
            modify(ref, (Outcome.Modify) outcome, owner);
        }
        dispatch.run();
        return result;
    }

    /** See {@link Queue#holdForTransaction}. */
    void holdForTransaction(long deliveryId, long connectionId) {
        MessageReference ref = outstanding(deliveryId, connectionId);
        if (ref.heldByTx != 0) {
            throw BrokerException.illegalState("delivery " + deliveryId + " on queue '" + queue.name()
                    + "' is already settled in an open transaction");
        }
        ref.heldByTx = connectionId;
    }

    /** See {@link Queue#releasePulls}. */
    void releasePulls(long connectionId) {
        List<MessageReference> pulled = state.inFlight.inOrder(r -> r.pulledBy == connectionId && r.heldByTx == 0);
        for (MessageReference r : pulled) {
            state.inFlight.leave(r);
            returnToQueue(r, true);
        }
        if (!pulled.isEmpty()) {
            dispatch.run();
        }
    }

    /** See {@link Queue#changeLease}; {@code leaseMillis} is not negative. */
    void changeLease(long deliveryId, long leaseMillis, long connectionId) {
        MessageReference ref = outstanding(deliveryId, connectionId);
        if (leaseMillis == 0) {
            state.inFlight.leave(ref);
            returnToQueue(ref, true);
            dispatch.run();
        } else {
            state.leases.start(ref, clock.millis() + leaseMillis);
        }
    }

    /** Returns pulled deliveries whose lease ran out. */
    void expireLeases() {
        for (MessageReference r : state.leases.expired(clock.millis())) {
            state.inFlight.leave(r);
            returnToQueue(r, true);
        }
        dispatch.run();
    }

    /** Puts a delivered message back: ready again, delayed, or dead-lettered past max deliveries. */
    void returnToQueue(MessageReference ref, boolean failed) {
        int maxDeliveries = queue.settings().maxDeliveries();
        if (failed && maxDeliveries > 0 && ref.deliveryCount >= maxDeliveries) {
            departures.deadLetter(ref, Queue.REASON_DELIVERY_LIMIT, "delivered " + ref.deliveryCount
                    + " times without being acknowledged (max deliveries " + maxDeliveries + ")");
            return;
        }
        limits.enter(ref.size());
        limits.resident(ref.size());
        List<StorageRecord> records = new ArrayList<>(2);
        if (ref.stored && failed) {
            records.add(new StorageRecord.UpdateDeliveryCount(queue.id(), ref.messageId(), ref.deliveryCount));
        }
        long redeliveryDelay = queue.settings().redeliveryDelayMillis();
        if (failed && redeliveryDelay > 0) {
            ref.deliverAt = clock.millis() + redeliveryDelay;
            if (ref.stored) {
                records.add(new StorageRecord.UpdateScheduledTime(queue.id(), ref.messageId(), ref.deliverAt));
            }
            state.scheduled.add(ref);
            state.counters.scheduled = state.scheduled.size();
        } else {
            ref.state = MessageReference.State.READY;
            state.ready.addInOrder(ref);
        }
        if (!records.isEmpty()) {
            storage.append(records);
        }
    }

    private MessageReference outstanding(long deliveryId, long connectionId) {
        MessageReference ref = state.inFlight.get(deliveryId);
        if (ref == null) {
            throw BrokerException.notFound("delivery " + deliveryId + " is not outstanding on queue '" + queue.name()
                    + "': it was already settled, or it went back to the queue and was delivered again");
        }
        long belongsTo = ref.heldByTx != 0 ? ref.heldByTx
                : ref.owner != null ? ref.owner.path.connectionId() : ref.pulledBy;
        if (belongsTo != 0 && belongsTo != connectionId) {
            throw BrokerException.illegalState("delivery " + deliveryId + " on queue '" + queue.name()
                    + "' belongs to another connection");
        }
        return ref;
    }

    private CompletableFuture<Void> acknowledge(MessageReference ref, boolean refStored) {
        state.counters.acknowledged++;
        List<StorageRecord> records = departures.release(ref);
        if (refStored && !records.isEmpty()) {
            records = records.subList(1, records.size());
        }
        limits.unblockIfRoom();
        return records.isEmpty() ? DONE : storage.append(records);
    }

    private void modify(MessageReference ref, Outcome.Modify m, Consumer owner) {
        if (!m.deliveryFailed()) {
            ref.deliveryCount = Math.max(0, ref.deliveryCount - 1);
        }
        if (m.undeliverableHere()) {
            ref.refusedBy = owner;
        }
        if (!m.annotations().isEmpty()) {
            // Kept in memory only: the stored copy keeps its original properties.
            Message.Builder b = ref.message().toBuilder();
            m.annotations().forEach(b::property);
            ref.annotated = b.build().withId(ref.messageId());
        }
        returnToQueue(ref, m.deliveryFailed());
    }
}
