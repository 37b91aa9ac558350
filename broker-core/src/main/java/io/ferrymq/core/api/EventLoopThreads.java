package io.ferrymq.core.api;

import io.ferrymq.core.exec.SerialExecutor;

import java.util.concurrent.ThreadFactory;

/**
 * Threads that run connections' I/O (an adapter's event loops). A queue operation such a thread starts (a publish,
 * an acknowledgement, credit) runs on it at once when the queue is idle, instead of waking a worker thread, so a
 * message crosses fewer threads. Those threads must never block and must not hold locks while they call the broker.
 */
public final class EventLoopThreads {

    private EventLoopThreads() {
    }

    /** {@code threads}, whose threads may run idle queues' per-message work inline. */
    public static ThreadFactory runningQueueWork(ThreadFactory threads) {
        return SerialExecutor.hostingInlineTasks(threads);
    }
}
