package io.ferrymq.core.vhost;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.memory.MemoryBudget;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.exec.SerialExecutor;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.core.queue.RoutedMessage;
import io.ferrymq.core.storage.StorageRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A routed and admitted message, not yet enqueued: the first half of a publish. Separating the halves
 * lets a transaction store all its messages in one atomic batch before any becomes visible, and lets
 * dead-lettering store the new copy together with the removal of the old.
 */
public final class PreparedPublish {

    private final RoutedMessage routed;
    private final List<Queue> queues;
    private final List<Queue> blocked;
    /** Per queue: the message goes to its page files rather than memory. Decided at commit. */
    private final boolean[] paged;
    private boolean waitsForMemory;

    /** Queues that took the message as a duplicate of one within their deduplication window. */
    private final int duplicates;

    private PreparedPublish(RoutedMessage routed, List<Queue> queues, List<Queue> blocked, int duplicates) {
        this.routed = routed;
        this.queues = queues;
        this.blocked = blocked;
        this.duplicates = duplicates;
        this.paged = new boolean[queues.size()];
    }

    /**
     * Admits {@code message} (which has its id) to every queue or to none.
     *
     * @throws BrokerException RESOURCE_LIMIT_EXCEEDED naming the full queue
     */
    static PreparedPublish admit(Message message, List<Queue> targets, MemoryBudget memory) {
        RoutedMessage routed = new RoutedMessage(message, memory);
        List<Queue> blocked = null;
        List<Queue> admitted = new ArrayList<>(targets.size());
        int duplicates = 0;
        for (int i = 0; i < targets.size(); i++) {
            Queue q = targets.get(i);
            Queue.Admission a = q.admit(message, routed.size());
            if (a == Queue.Admission.DUPLICATE) {
                duplicates++;
                continue;
            }
            if (a == Queue.Admission.REJECTED) {
                for (Queue earlier : admitted) {
                    earlier.cancelAdmission(message, routed.size());
                }
                throw BrokerException.resourceLimit("queue '" + q.name() + "' is full (max-length "
                        + q.settings().maxLength() + ", max-bytes " + q.settings().maxBytes()
                        + ", overflow reject-publish): the message was not accepted");
            }
            if (a == Queue.Admission.BLOCKED) {
                if (blocked == null) {
                    blocked = new ArrayList<>(1);
                }
                blocked.add(q);
            }
            admitted.add(q);
        }
        return new PreparedPublish(routed, admitted, blocked == null ? List.of() : blocked, duplicates);
    }

    static PreparedPublish unrouted(Message message, MemoryBudget memory) {
        return new PreparedPublish(new RoutedMessage(message, memory), List.of(), List.of(), 0);
    }

    public Message message() {
        return routed.message();
    }

    public int queueCount() {
        return queues.size();
    }

    /** How many queues recognised the message as a duplicate (and so did not enqueue it). */
    public int duplicates() {
        return duplicates;
    }

    public List<Queue> queues() {
        return queues;
    }

    /**
     * Decides, queue by queue, between memory and the page files. Transactions pass false: their messages
     * stay in memory so that one journal batch commits all of them.
     */
    void decidePaging(boolean mayPage) {
        for (int i = 0; i < queues.size(); i++) {
            Queue q = queues.get(i);
            paged[i] = q.pageOnAdmission(routed.size(), mayPage);
            waitsForMemory |= !paged[i] && !q.pagesWhenMemoryFull();
        }
    }

    /**
     * Whether the confirmation waits while the broker's memory is full: only for queues that block
     * producers when full; a queue that pages sends the next messages to disk instead.
     */
    boolean waitsForMemory() {
        return waitsForMemory;
    }

    /**
     * The records that make this publish durable: the message once, a reference per durable queue in memory,
     * and the deduplication id each durable queue with a window must remember through a restart.
     */
    void addRecords(List<StorageRecord> out) {
        Message m = routed.message();
        if (!m.durable()) {
            return;
        }
        boolean any = false;
        for (int i = 0; i < queues.size(); i++) {
            Queue q = queues.get(i);
            if (q.durable() && !paged[i]) {
                if (!any) {
                    out.add(new StorageRecord.AddMessage(m));
                    any = true;
                }
                out.add(new StorageRecord.AddReference(q.id(), m.id(), m.deliveryTime()));
            }
            StorageRecord deduplication = q.deduplicationRecord(m);
            if (deduplication != null) {
                out.add(deduplication);
            }
        }
    }

    /**
     * Makes the message visible in its queues.
     *
     * @return completes when the copies written to page files are safe
     */
    CompletableFuture<Void> enqueue() {
        boolean durable = routed.message().durable();
        // Retain for every queue before the first can deliver and release, or the count could touch zero.
        for (int i = 0; i < queues.size(); i++) {
            if (!paged[i]) {
                routed.retain(durable && queues.get(i).durable());
            }
        }
        CompletableFuture<Void> pagesWritten = null;
        // A message for several queues (a topic's subscribers) starts the idle ones in one task of the worker
        // pool rather than one task each; every queue still gets it in publish order.
        List<SerialExecutor> idle = queues.size() > 1 ? new ArrayList<>(queues.size()) : null;
        try {
            for (int i = 0; i < queues.size(); i++) {
                Queue q = queues.get(i);
                if (paged[i]) {
                    CompletableFuture<Void> f = q.enqueuePaged(routed.message());
                    pagesWritten = pagesWritten == null ? f : pagesWritten.thenCombine(f, (a, b) -> null);
                } else if (idle != null) {
                    q.enqueueHeld(routed, durable && q.durable(), idle);
                } else {
                    q.enqueue(routed, durable && q.durable());
                }
            }
        } finally {
            if (idle != null) {
                SerialExecutor.startTogether(idle);
            }
        }
        return pagesWritten == null ? CompletableFuture.completedFuture(null) : pagesWritten;
    }

    /** Gives back the admission of a publish that will not be enqueued. */
    void abort() {
        for (Queue q : queues) {
            q.cancelAdmission(routed.message(), routed.size());
        }
    }

    /** Completes when queues this publish pushed past a BLOCK limit have room again. */
    CompletableFuture<Void> whenUnblocked() {
        if (blocked.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (blocked.size() == 1) {
            return blocked.get(0).whenBelowLimits();
        }
        return CompletableFuture.allOf(blocked.stream().map(Queue::whenBelowLimits).toArray(CompletableFuture[]::new));
    }
}
