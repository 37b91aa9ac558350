package io.ferrymq.core.api;

import io.ferrymq.core.exec.SerialExecutor;

import java.util.concurrent.ThreadFactory;

/**
 * Threads that run connections' I/O (an adapter's event loops). When switched on, a queue operation such a thread
 * starts (a publish, an acknowledgement, credit) runs on it at once when the queue is idle, instead of waking a
 * worker thread, so a message crosses fewer threads. Those threads must never block and must not hold locks while
 * they call the broker.
 */
public final class EventLoopThreads {

    /**
     * Off unless {@code -Dferrymq.queue.inline=true}: measured (bench/README.md, 2026-12-07, sixth stop) it cut
     * context switches per message 2.5-5x but not the broker's CPU per message, and the load generator spent
     * 10-20% more CPU per message against it (probably smaller, more frequent writes), so the client-bound
     * benchmarks ran slower. An opt-in until the delivery side batches as well with it as without.
     */
    static final boolean INLINE = "true".equals(System.getProperty("ferrymq.queue.inline"));

    private EventLoopThreads() {
    }

    /** {@code threads}, whose threads may run idle queues' per-message work inline (when switched on). */
    public static ThreadFactory runningQueueWork(ThreadFactory threads) {
        return INLINE ? SerialExecutor.hostingInlineTasks(threads) : threads;
    }
}
