package io.ferrymq.core.queue;

/**
 * A snapshot of a queue's counters (read without stopping the queue, so approximate under load, like
 * SQS's Approximate* attributes).
 */
public record QueueStats(long ready, long inFlight, long scheduled, long bytes, int consumers,
                         long enqueued, long acknowledged, long expired, long deadLettered, long dropped) {

    public long total() {
        return ready + inFlight + scheduled;
    }
}
