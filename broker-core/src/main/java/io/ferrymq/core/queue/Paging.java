package io.ferrymq.core.queue;

import io.ferrymq.core.exec.SerialExecutor;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.paging.PagePosition;
import io.ferrymq.core.paging.PagedMessage;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The queue's side of paging: admitted messages going to the page files when memory is full, and coming
 * back into memory (stored under new ids together with the page cursor) when there is room or a receiver
 * waits. Runs on the queue's executor.
 */
final class Paging {

    // Under the queue's logger name, as before the split, so that logging configuration still applies.
    private static final Logger LOG = LoggerFactory.getLogger(Queue.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Queue queue;
    private final QueueHost host;
    private final QueueState state;
    private final QueueLimits limits;
    /** Null when the broker has nowhere to page to (in-memory storage). */
    private final QueuePager pager;
    private final Publishing publishing;
    private final Storage storage;
    private final SerialExecutor executor;
    private final Runnable dispatch;

    Paging(Queue queue, QueueHost host, QueueState state, QueueLimits limits, QueuePager pager, Publishing publishing,
           Storage storage, SerialExecutor executor, Runnable dispatch) {
        this.queue = queue;
        this.host = host;
        this.state = state;
        this.limits = limits;
        this.pager = pager;
        this.publishing = publishing;
        this.storage = storage;
        this.executor = executor;
        this.dispatch = dispatch;
    }

    /** See {@link Queue#enqueuePaged}; {@code size} is the message's estimated size. */
    CompletableFuture<Void> enqueue(Message message, long size) {
        if (state.deleted) {
            limits.leave(size);
            return DONE;
        }
        if (!pager.hasPages() && !pager.reading() && limits.roomToDepage()) {
            // The pages drained meanwhile: straight to memory, so nothing overtakes it.
            limits.pagingDone();
            return intoMemory(List.of(message), null);
        }
        state.counters.paged = pager.messages() + 1;
        CompletableFuture<Void> written = pager.append(message, size);
        // A consumer may be waiting while nothing else on this queue moves: read back now if there is room
        // (the page thread runs the read after the write).
        maybeDepage();
        return written;
    }

    /** See {@link Queue#recoverPages}. */
    CompletableFuture<Void> recover(PagePosition cursor) {
        return pager.recover(cursor).thenAccept(backlog -> executor.execute(() -> {
            pager.recovered(backlog);
            state.counters.paged = backlog.messages();
            if (backlog.messages() > 0) {
                limits.pagingStarted();
                limits.enterAll(backlog.messages(), backlog.bytes());
                LOG.info("Queue '{}': {} message(s) wait in page files", queue.name(), backlog.messages());
            }
            dispatch.run();
        }));
    }

    /**
     * Brings messages read from the page files (or never written there) into memory, each under a new
     * broker id, storing them and the new page cursor in one batch: after a crash either they are in the
     * journal and the cursor is past them, or neither.
     */
    private CompletableFuture<Void> intoMemory(List<Message> messages, PagePosition cursor) {
        long id = queue.id();
        boolean durable = queue.durable();
        List<StorageRecord> records = new ArrayList<>();
        for (Message original : messages) {
            Message m = original.withId(host.nextMessageId());
            RoutedMessage routed = new RoutedMessage(m, host.memory());
            boolean stored = m.durable() && durable;
            routed.retain(stored);
            limits.resident(routed.size());
            if (stored) {
                records.add(new StorageRecord.AddMessage(m));
                records.add(new StorageRecord.AddReference(id, m.id(), m.deliveryTime()));
            }
            publishing.place(publishing.newReference(routed, stored, 0));
        }
        if (cursor != null && durable) {
            records.add(new StorageRecord.PutState(Queue.PAGE_CURSOR_STATE, Long.toString(id), cursor.encode()));
        }
        // Appended before any of them can be handed out: a delivery settled on hand-out appends its
        // deletion at once, and a deletion the journal holds before the message it deletes is replayed as
        // a no-op, bringing the consumed message back on the next start.
        CompletableFuture<Void> stored = records.isEmpty() ? DONE : storage.append(records);
        dispatch.run();
        return stored;
    }

    /**
     * Reads the next page batch back when memory has room and few messages are ready, or when a consumer (or a
     * pull) waits on a queue well within its share of memory: messages held elsewhere (a stalled consumer's
     * unacknowledged ones) must not starve it.
     */
    void maybeDepage() {
        if (pager == null || state.deleted || pager.reading() || !pager.hasPages()
                || state.ready.size() >= QueuePager.LOW_WATER) {
            return;
        }
        if (!limits.roomToDepage() && !(limits.wellWithinShare() && (!state.pulls.isEmpty()
                || state.consumers.anyCredit(queue.settings().singleActiveConsumer())))) {
            return;
        }
        pager.readNext().whenComplete((batch, t) -> executor.execute(() -> depaged(batch, t)));
    }

    private void depaged(List<PagedMessage> batch, Throwable failure) {
        if (state.deleted) {
            return;
        }
        if (failure != null) {
            pager.readFailed();
            LOG.error("Queue '{}': reading page files failed; {} message(s) stay on disk", queue.name(),
                    pager.messages(), failure);
            return;
        }
        if (batch.isEmpty()) {
            pager.exhausted();
        } else {
            long bytes = 0;
            List<Message> messages = new ArrayList<>(batch.size());
            for (PagedMessage pm : batch) {
                messages.add(pm.message());
                bytes += pm.message().estimatedSize();
            }
            PagePosition next = batch.get(batch.size() - 1).next();
            pager.took(batch.size(), bytes, next);
            // The files may go only once the journal has what was read from them, and the next batch is
            // read only then too: reading faster than the journal writes would just pile up in memory.
            intoMemory(messages, next).whenComplete((v, t) -> executor.execute(() -> {
                if (t == null) {
                    pager.consumed(next);
                }
                pager.stored();
                dispatch.run();
            }));
        }
        state.counters.paged = pager.messages();
        if (!pager.hasPages()) {
            limits.pagingDone();
        }
        dispatch.run();
    }
}
