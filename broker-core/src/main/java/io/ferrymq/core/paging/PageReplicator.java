package io.ferrymq.core.paging;

import java.util.concurrent.CompletableFuture;

/**
 * Receives every change to the page files in the order the paging thread makes it: the seam through which an
 * HA pair ships them to its standby, which writes the same bytes at the same places. A paged message is
 * confirmed only when its local write is on disk and the future returned by {@link #written} has completed.
 * Called on the paging thread: implementations only queue, never wait.
 */
public interface PageReplicator {

    /** {@code bytes} were written at {@code offset} of page file {@code file} of queue {@code queueId}. */
    CompletableFuture<Void> written(long queueId, long file, long offset, byte[] bytes);

    /** Page file {@code file} of queue {@code queueId} was deleted. */
    void deleted(long queueId, long file);

    /** Every page file of queue {@code queueId} was deleted (a fresh start, or the queue is gone). */
    void cleared(long queueId);

    /** Called once by the service this replicator was given to: where a resync takes its {@link PagingService#snapshot}. */
    default void attached(PagingService service) {
    }
}
