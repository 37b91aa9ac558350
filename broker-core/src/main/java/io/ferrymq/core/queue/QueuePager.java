package io.ferrymq.core.queue;

import io.ferrymq.core.message.Message;
import io.ferrymq.core.paging.PagePosition;
import io.ferrymq.core.paging.PageStore;
import io.ferrymq.core.paging.PagedMessage;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A queue's messages on disk: how many wait there and where reading resumes. Owned by the queue's
 * executor; the page store does the file work on the paging thread.
 */
final class QueuePager {

    /** Read back this much at a time: enough to keep consumers busy, little enough to stay in bounds. */
    static final int BATCH_MESSAGES = 200;
    static final long BATCH_BYTES = 2L * 1024 * 1024;
    /** Read the next batch once fewer than this many messages are ready in memory. */
    static final int LOW_WATER = 250;

    private final PageStore store;
    private boolean opened;
    private long messages;
    private long bytes;
    private boolean reading;
    private PagePosition readFrom;

    QueuePager(PageStore store) {
        this.store = store;
    }

    /** A previous run's pages, found on recovery. */
    CompletableFuture<PageStore.Backlog> recover(PagePosition cursor) {
        opened = true;
        return store.recover(cursor);
    }

    void recovered(PageStore.Backlog backlog) {
        messages = backlog.messages();
        bytes = backlog.bytes();
        readFrom = backlog.start();
    }

    CompletableFuture<Void> append(Message m, long size) {
        if (!opened) {
            opened = true;
            readFrom = PageStore.FIRST;
            store.create();
        }
        messages++;
        bytes += size;
        return store.append(m);
    }

    boolean hasPages() {
        return messages > 0;
    }

    boolean reading() {
        return reading;
    }

    long messages() {
        return messages;
    }

    long bytes() {
        return bytes;
    }

    CompletableFuture<List<PagedMessage>> readNext() {
        reading = true;
        return store.read(readFrom, BATCH_MESSAGES, BATCH_BYTES);
    }

    /**
     * A batch was read back into memory; reading resumes after it once the journal holds it
     * ({@link #stored}).
     */
    void took(int count, long size, PagePosition next) {
        messages -= count;
        bytes -= size;
        readFrom = next;
        if (messages < 0) {
            messages = 0;
            bytes = 0;
        }
    }

    /** The batch taken last is stored: the next may be read. */
    void stored() {
        reading = false;
    }

    void readFailed() {
        reading = false;
    }

    /** Nothing more could be read though some was counted: what is left was not durable (earlier run). */
    void exhausted() {
        reading = false;
        messages = 0;
        bytes = 0;
    }

    /** Files up to {@code upTo} may go once the journal holds what was read from them. */
    void consumed(PagePosition upTo) {
        store.consumed(upTo);
    }

    CompletableFuture<PagePosition> clear() {
        messages = 0;
        bytes = 0;
        return store.clear().thenApply(p -> {
            readFrom = p;
            return p;
        });
    }

    void delete() {
        messages = 0;
        bytes = 0;
        store.delete();
    }
}
