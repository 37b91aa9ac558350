package io.ferrymq.core.queue;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Operations on the queue as a whole: purge, deletion, the periodic expiry scan and exact counters.
 * Runs on the queue's executor.
 */
final class Administration {

    private final Queue queue;
    private final QueueState state;
    private final QueueLimits limits;
    /** Null when the broker has nowhere to page to (in-memory storage). */
    private final QueuePager pager;
    private final Departures departures;
    private final Paging paging;
    private final Clock clock;
    private final Storage storage;

    Administration(Queue queue, QueueState state, QueueLimits limits, QueuePager pager, Departures departures,
                   Paging paging, Clock clock, Storage storage) {
        this.queue = queue;
        this.state = state;
        this.limits = limits;
        this.pager = pager;
        this.departures = departures;
        this.paging = paging;
        this.clock = clock;
        this.storage = storage;
    }

    /** See {@link Queue#purge}. @return how many messages went */
    long purge(boolean includeInFlight) {
        long n = 0;
        List<StorageRecord> records = new ArrayList<>();
        for (MessageReference r = state.ready.first(); r != null; r = state.ready.first()) {
            departures.takeFromReady(r);
            records.addAll(departures.release(r));
            n++;
        }
        for (MessageReference r : state.scheduled.drain()) {
            limits.leave(r.size());
            limits.resident(-r.size());
            records.addAll(departures.release(r));
            n++;
        }
        state.counters.scheduled = 0;
        if (includeInFlight) {
            for (MessageReference r : new ArrayList<>(state.inFlight.all())) {
                state.inFlight.leave(r);
                records.addAll(departures.release(r));
                n++;
            }
        }
        if (pager != null && pager.hasPages()) {
            long paged = pager.messages();
            limits.leaveAll(paged, pager.bytes());
            n += paged;
            pager.clear().thenAccept(cursor -> {
                if (queue.durable()) {
                    storage.append(new StorageRecord.PutState(Queue.PAGE_CURSOR_STATE, Long.toString(queue.id()),
                            cursor.encode()));
                }
            });
            state.counters.paged = 0;
            limits.pagingDone();
        }
        state.counters.dropped += n;
        limits.unblockIfRoom();
        if (!records.isEmpty()) {
            storage.append(records);
        }
        return n;
    }

    /** See {@link Queue#delete}. */
    void delete(String reason) {
        if (state.deleted) {
            return;
        }
        state.deleted = true;
        state.scheduled.cancel();
        state.leases.cancel();
        BrokerException why = BrokerException.notFound(reason);
        List<Consumer> all = new ArrayList<>(state.consumers.all());
        all.addAll(state.browsers);
        for (Consumer c : all) {
            c.closed = true;
            c.path.closedByBroker(c, why);
        }
        state.consumers.clear();
        state.browsers.clear();
        state.counters.consumers = 0;
        for (PullRequest p : state.pulls) {
            p.timer.cancel();
            p.result.completeExceptionally(why);
        }
        state.pulls.clear();
        List<StorageRecord> records = new ArrayList<>();
        for (MessageReference r = state.ready.first(); r != null; r = state.ready.first()) {
            state.ready.remove(r);
            departures.drop(r, records);
        }
        state.scheduled.drain().forEach(r -> departures.drop(r, records));
        state.inFlight.all().forEach(r -> departures.drop(r, records));
        state.inFlight.clear();
        state.counters.scheduled = 0;
        if (pager != null) {
            pager.delete();
            state.counters.paged = 0;
            if (queue.durable()) {
                records.add(new StorageRecord.DeleteState(Queue.PAGE_CURSOR_STATE, Long.toString(queue.id())));
            }
        }
        limits.reset();
        limits.unblockIfRoom();
        if (!records.isEmpty()) {
            storage.append(records);
        }
    }

    /** Expires ready messages past their TTL. */
    void expireScan() {
        long now = clock.millis();
        MessageReference r = state.ready.first();
        while (r != null) {
            MessageReference next = state.ready.after(r);
            if (r.isExpired(now)) {
                departures.takeFromReady(r);
                departures.expire(r);
            }
            r = next;
        }
        limits.unblockIfRoom();
        paging.maybeDepage();
    }

    /** Exact counters; on the executor, unlike {@link QueueCounters#approximate}. */
    QueueStats exactStats() {
        QueueCounters counters = state.counters;
        return new QueueStats(state.ready.size(), state.inFlight.size(), state.scheduled.size(), state.ready.bytes(),
                state.consumers.size() + state.browsers.size(), counters.enqueued, counters.acknowledged,
                counters.expired, counters.deadLettered, counters.dropped, pager == null ? 0 : pager.messages());
    }
}
