package io.ferrymq.core.queue;

import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * Hands ready messages out: to browsers (copies), then to waiting pulls and push consumers with credit,
 * keeping message groups with their owner, the consumer chosen by {@link ConsumerLevels} (priority, then
 * round-robin; or the one active consumer). Runs on the queue's executor after anything that could let a
 * message move.
 */
final class Dispatcher {

    private final Queue queue;
    private final QueueState state;
    private final QueueLimits limits;
    private final Departures departures;
    private final Paging paging;
    private final Clock clock;
    private final Storage storage;

    Dispatcher(Queue queue, QueueState state, QueueLimits limits, Departures departures, Paging paging, Clock clock,
               Storage storage) {
        this.queue = queue;
        this.state = state;
        this.limits = limits;
        this.departures = departures;
        this.paging = paging;
        this.clock = clock;
        this.storage = storage;
    }

    void dispatch() {
        if (state.deleted) {
            return;
        }
        if (!state.browsers.isEmpty()) {
            serveBrowsers();
        }
        boolean single = queue.settings().singleActiveConsumer();
        if (!state.pulls.isEmpty() || state.consumers.anyCredit(single)) {
            deliverReady(single);
        }
        limits.unblockIfRoom();
        paging.maybeDepage();
    }

    /** Makes scheduled messages that are due ready, then hands them out. */
    void promoteDue() {
        for (MessageReference r : state.scheduled.due(clock.millis())) {
            r.state = MessageReference.State.READY;
            state.ready.addInOrder(r);
        }
        state.counters.scheduled = state.scheduled.size();
        dispatch();
    }

    private void deliverReady(boolean single) {
        long now = clock.millis();
        MessageReference ref = state.ready.first();
        while (ref != null) {
            MessageReference next = state.ready.after(ref);
            if (ref.isExpired(now)) {
                departures.takeFromReady(ref);
                departures.expire(ref);
            } else {
                Receiver receiver = pick(ref, single);
                if (receiver != null) {
                    departures.takeFromReady(ref);
                    deliver(ref, receiver, now);
                    if (!anyReceiverWaiting(single)) {
                        break;
                    }
                }
            }
            ref = next;
        }
        for (Iterator<PullRequest> it = state.pulls.iterator(); it.hasNext(); ) {
            PullRequest p = it.next();
            if (!p.collected.isEmpty()) {
                it.remove();
                state.groups.transfer(p, new Object());
                p.complete();
            }
        }
    }

    private boolean anyReceiverWaiting(boolean single) {
        for (PullRequest p : state.pulls) {
            if (p.hasCredit()) {
                return true;
            }
        }
        return state.consumers.anyCredit(single);
    }

    private Receiver pick(MessageReference ref, boolean single) {
        Object required = state.groups.requiredReceiver(ref.group);
        for (PullRequest p : state.pulls) {
            if (p.hasCredit() && (required == null || required == p)) {
                return p;
            }
        }
        return state.consumers.pick(ref, single, required);
    }

    private void deliver(MessageReference ref, Receiver receiver, long now) {
        ref.deliveryCount++;
        if (ref.firstDeliveredAt == 0) {
            ref.firstDeliveredAt = now;
        }
        boolean redelivered = ref.deliveryCount > 1 || ref.possiblyDelivered;
        Message message = ref.message();
        if (receiver instanceof Consumer c) {
            c.credit--;
            c.delivered++;
            if (c.options.settlesOnHandout(message)) {
                boolean firstOfGroup = false;
                if (c.options.dispatch().stickyGroups()) {
                    // Nothing stays in flight, but the group still belongs to this consumer from now on.
                    firstOfGroup = state.groups.delivered(ref.group, c, true);
                    state.groups.settled(ref.group);
                }
                settleOnHandout(ref);
                c.path.handoff(new Delivery(queue, 0, message, ref.deliveryCount, redelivered, c,
                        ref.firstDeliveredAt, firstOfGroup));
                return;
            }
            state.inFlight.put(ref, c);
            c.inFlight++;
            boolean firstOfGroup = state.groups.delivered(ref.group, c, c.options.dispatch().stickyGroups());
            c.path.handoff(new Delivery(queue, ref.deliveryId, message, ref.deliveryCount, redelivered, c,
                    ref.firstDeliveredAt, firstOfGroup));
            return;
        }
        PullRequest p = (PullRequest) receiver;
        if (p.options.autoSettle()) {
            settleOnHandout(ref);
            p.collected.add(new Delivery(queue, 0, message, ref.deliveryCount, redelivered, null,
                    ref.firstDeliveredAt));
            return;
        }
        state.inFlight.put(ref, null);
        state.groups.delivered(ref.group, p);
        if (p.options.leaseMillis() >= 0) {
            state.leases.start(ref, now + p.options.leaseMillis());
        } else {
            ref.pulledBy = p.connectionId;
        }
        p.collected.add(new Delivery(queue, ref.deliveryId, message, ref.deliveryCount, redelivered, null,
                ref.firstDeliveredAt));
    }

    private void settleOnHandout(MessageReference ref) {
        state.counters.acknowledged++;
        List<StorageRecord> records = departures.release(ref);
        if (!records.isEmpty()) {
            storage.append(records);
        }
    }

    private void serveBrowsers() {
        for (Consumer b : state.browsers) {
            if (!b.hasCredit()) {
                continue;
            }
            List<MessageReference> unseen = new ArrayList<>();
            for (MessageReference r = state.ready.first(); r != null; r = state.ready.after(r)) {
                if (r.seq > b.browseCursor && b.accepts(r)) {
                    unseen.add(r);
                }
            }
            unseen.sort(Comparator.comparingLong(r -> r.seq));
            for (MessageReference r : unseen) {
                if (!b.hasCredit()) {
                    break;
                }
                b.credit--;
                b.delivered++;
                b.browseCursor = r.seq;
                b.path.handoff(new Delivery(queue, 0, r.message(), r.deliveryCount, r.deliveryCount > 0, b,
                        r.firstDeliveredAt));
            }
        }
    }
}
