package io.ferrymq.core.exec;

/** Runs a task once after a delay. Timers only signal; the work itself hops to the owner's executor. */
@FunctionalInterface
public interface Scheduler {

    Cancellable schedule(Runnable task, long delayMillis);

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        Cancellable NONE = () -> { };

        void cancel();
    }
}
