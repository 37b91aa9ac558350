package io.ferrymq.core.queue;

import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.exec.Scheduler;

import java.util.concurrent.Executor;

/**
 * One timer per concern per queue (scheduled messages, leases), always armed for the earliest
 * deadline, instead of one timer per message. Firing hops onto the queue's executor.
 */
final class DeadlineTimer {

    private final Scheduler scheduler;
    private final Clock clock;
    private final Executor owner;
    private final Runnable onDue;
    private long armedFor = Long.MAX_VALUE;
    private Scheduler.Cancellable armed = Scheduler.Cancellable.NONE;

    DeadlineTimer(Scheduler scheduler, Clock clock, Executor owner, Runnable onDue) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.owner = owner;
        this.onDue = onDue;
    }

    /** Makes sure the timer fires no later than {@code deadline}; call on the owner's executor. */
    void ensure(long deadline) {
        if (deadline >= armedFor) {
            return;
        }
        armed.cancel();
        armedFor = deadline;
        long fireAt = deadline;
        armed = scheduler.schedule(() -> owner.execute(() -> {
            if (armedFor == fireAt) {
                armedFor = Long.MAX_VALUE;
                armed = Scheduler.Cancellable.NONE;
                onDue.run();
            }
        }), Math.max(0, deadline - clock.millis()));
    }

    void cancel() {
        armed.cancel();
        armed = Scheduler.Cancellable.NONE;
        armedFor = Long.MAX_VALUE;
    }
}
