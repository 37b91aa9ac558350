package io.ferrymq.core.storage;

/**
 * Told of each group commit of a persistent storage, for metrics: called on the storage's writer thread, so it
 * must only record (a histogram, a counter) and never block.
 */
@FunctionalInterface
public interface SyncTimings {

    SyncTimings NONE = (nanos, batches) -> { };

    /**
     * @param nanos   how long the commit's write and fsync took
     * @param batches how many appends (from any number of connections) the one fsync covered
     */
    void committed(long nanos, int batches);
}
