package io.ferrymq.core.testing;

import io.ferrymq.core.exec.Scheduler;

import java.util.PriorityQueue;

/** Runs scheduled tasks when a test advances virtual time past their deadline, in deadline order. */
public final class ManualScheduler implements Scheduler {

    private record Task(long due, long seq, Runnable body, boolean[] cancelled) { }

    private final ManualClock clock;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) ->
            a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long seq;

    public ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayMillis) {
        boolean[] cancelled = {false};
        tasks.add(new Task(clock.millis() + Math.max(0, delayMillis), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Moves time forward by {@code millis}, running every task that falls due, at its due time. */
    public void advance(long millis) {
        long target = clock.millis() + millis;
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due > target) {
                    break;
                }
                tasks.poll();
            }
            if (next.due > clock.millis()) {
                clock.set(next.due);
            }
            if (!next.cancelled[0]) {
                next.body.run();
            }
        }
        clock.set(target);
    }

    public synchronized int pending() {
        return (int) tasks.stream().filter(t -> !t.cancelled[0]).count();
    }
}
