package io.ferrymq.core.api;

/**
 * One-shot timers on the broker's scheduler, for protocol modules (session expiry, delayed wills, periodic
 * statistics). A task runs on the scheduler's thread: it should only signal, or hand its work to the owner's
 * executor, as the broker's own timers do.
 */
@FunctionalInterface
public interface Timers {

    /** Runs {@code task} once, {@code delayMillis} from now (by the broker's clock). */
    Timer schedule(Runnable task, long delayMillis);

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Timer {
        /** A timer that was never set: cancelling it does nothing. */
        Timer NONE = () -> { };

        /** Calls the task off unless it ran already; cancelling twice is harmless. */
        void cancel();
    }
}
