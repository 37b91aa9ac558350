package io.ferrymq.core.api;

import io.ferrymq.core.exec.SerialExecutor;

import java.util.concurrent.ThreadFactory;

/**
 * Threads that run connections' I/O (an adapter's event loops). A queue operation such a thread starts (a publish,
 * an acknowledgement, credit) runs on it at once when the queue is idle, instead of waking a worker thread, so a
 * message crosses fewer threads. Those threads must never block and must not hold locks while they call the broker.
 */
public final class EventLoopThreads {

    /**
     * {@code -Dferrymq.queue.inline=false} hands every queue task to the worker pool as before this existed: a
     * switch for comparing the two in one build (bench/ab.sh with FERRYMQ_OPTS), not a tuning knob.
     */
    static final boolean INLINE = !"false".equals(System.getProperty("ferrymq.queue.inline"));

    private EventLoopThreads() {
    }

    /** {@code threads}, whose threads may run idle queues' per-message work inline (unless switched off). */
    public static ThreadFactory runningQueueWork(ThreadFactory threads) {
        return INLINE ? SerialExecutor.hostingInlineTasks(threads) : threads;
    }
}
