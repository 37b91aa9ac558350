package io.ferrymq.core.paging;

import java.util.concurrent.CompletableFuture;

/**
 * Receives every change to the page files in the order the paging thread makes it: the seam through which an
 * HA pair ships them to its standby, which appends the same records to its file of the same number, laid out
 * in its own way (sealed with its own at-rest key, or plain: {@link PageFileWriter}). A paged message is
 * confirmed only when its local write is on disk and the future returned by {@link #written} has completed.
 * Called on the paging thread: implementations only queue, never wait.
 */
public interface PageReplicator {

    /**
     * A record was appended to page file {@code file} of queue {@code queueId}, as its {@code record}-th
     * (from 0). {@code bytes} is the record in plain form, {@code [length:4][crc32c:4][flags:1][message]}, even
     * when this node's file holds it sealed.
     */
    CompletableFuture<Void> written(long queueId, long file, long record, byte[] bytes);

    /** Page file {@code file} of queue {@code queueId} was deleted. */
    void deleted(long queueId, long file);

    /** Every page file of queue {@code queueId} was deleted (a fresh start, or the queue is gone). */
    void cleared(long queueId);

    /** Called once by the service this replicator was given to: where a resync takes its {@link PagingService#snapshot}. */
    default void attached(PagingService service) {
    }
}
