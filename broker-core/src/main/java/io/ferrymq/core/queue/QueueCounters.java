package io.ferrymq.core.queue;

/**
 * A queue's counters: written only on the queue's executor (so a plain increment of a volatile is
 * safe), read from any thread without stopping the queue.
 */
final class QueueCounters {

    volatile long enqueued;
    volatile long acknowledged;
    volatile long expired;
    volatile long deadLettered;
    volatile long dropped;
    volatile int consumers;
    volatile long inFlight;
    volatile long scheduled;
    volatile long paged;

    /** Counters read without stopping the queue: approximate under load. */
    QueueStats approximate(QueueLimits limits) {
        long inflight = inFlight;
        long sched = scheduled;
        long pagedNow = paged;
        long readyNow = Math.max(0, limits.depth() - sched - pagedNow);
        return new QueueStats(readyNow, inflight, sched, limits.depthBytes(), consumers, enqueued, acknowledged,
                expired, deadLettered, dropped, pagedNow);
    }
}
