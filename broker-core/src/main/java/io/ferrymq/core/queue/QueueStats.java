package io.ferrymq.core.queue;

/**
 * A snapshot of a queue's counters (read without stopping the queue, so approximate under load, like
 * SQS's Approximate* attributes).
 *
 * @param ready messages ready in memory
 * @param paged messages waiting in page files, behind the ready ones
 */
public record QueueStats(long ready, long inFlight, long scheduled, long bytes, int consumers,
                         long enqueued, long acknowledged, long expired, long deadLettered, long dropped, long paged) {

    /** Every message the queue holds, wherever it is. */
    public long total() {
        return ready + inFlight + scheduled + paged;
    }
}
