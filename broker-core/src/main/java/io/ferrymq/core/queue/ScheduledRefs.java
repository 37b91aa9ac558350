package io.ferrymq.core.queue;

import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.exec.Scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;

/** Messages not yet deliverable (delayed publishes, redelivery delays), earliest first, with one timer. */
final class ScheduledRefs {

    private final PriorityQueue<MessageReference> refs = new PriorityQueue<>(
            Comparator.comparingLong((MessageReference r) -> r.deliverAt).thenComparingLong(r -> r.seq));
    private final DeadlineTimer timer;

    ScheduledRefs(Scheduler scheduler, Clock clock, Executor owner, Runnable onDue) {
        this.timer = new DeadlineTimer(scheduler, clock, owner, onDue);
    }

    void add(MessageReference ref) {
        ref.state = MessageReference.State.SCHEDULED;
        refs.add(ref);
        timer.ensure(ref.deliverAt);
    }

    /** Removes and returns the messages due by {@code now}, re-arming the timer for the next one. */
    List<MessageReference> due(long now) {
        List<MessageReference> out = new ArrayList<>();
        while (!refs.isEmpty() && refs.peek().deliverAt <= now) {
            out.add(refs.poll());
        }
        if (!refs.isEmpty()) {
            timer.ensure(refs.peek().deliverAt);
        }
        return out;
    }

    /** Removes every scheduled message (purge, deletion). */
    List<MessageReference> drain() {
        List<MessageReference> out = new ArrayList<>(refs);
        refs.clear();
        return out;
    }

    int size() {
        return refs.size();
    }

    void cancel() {
        timer.cancel();
    }
}
