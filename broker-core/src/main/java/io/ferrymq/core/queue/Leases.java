package io.ferrymq.core.queue;

import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.exec.Scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;

/**
 * Lease deadlines of pulled deliveries (SQS visibility timeouts). A changed lease adds a new entry and
 * leaves the old one to be skipped when it comes up, which is cheaper than finding it.
 */
final class Leases {

    private record Entry(long deadline, MessageReference ref) { }

    private final PriorityQueue<Entry> entries = new PriorityQueue<>(Comparator.comparingLong(Entry::deadline));
    private final DeadlineTimer timer;

    Leases(Scheduler scheduler, Clock clock, Executor owner, Runnable onDue) {
        this.timer = new DeadlineTimer(scheduler, clock, owner, onDue);
    }

    void start(MessageReference ref, long deadline) {
        ref.leaseDeadline = deadline;
        entries.add(new Entry(deadline, ref));
        timer.ensure(deadline);
    }

    /** Deliveries whose lease ran out by {@code now} and that nothing else claims (a transaction). */
    List<MessageReference> expired(long now) {
        List<MessageReference> out = new ArrayList<>();
        while (!entries.isEmpty() && entries.peek().deadline() <= now) {
            Entry e = entries.poll();
            MessageReference r = e.ref();
            if (r.state == MessageReference.State.IN_FLIGHT && r.leaseDeadline == e.deadline() && r.heldByTx == 0) {
                out.add(r);
            }
        }
        if (!entries.isEmpty()) {
            timer.ensure(entries.peek().deadline());
        }
        return out;
    }

    void cancel() {
        timer.cancel();
        entries.clear();
    }
}
