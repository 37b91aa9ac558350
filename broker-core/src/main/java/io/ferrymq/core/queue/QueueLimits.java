package io.ferrymq.core.queue;

import io.ferrymq.core.memory.MemoryBudget;
import io.ferrymq.core.policy.MemoryFullPolicy;
import io.ferrymq.core.policy.OverflowPolicy;
import io.ferrymq.core.policy.QueueSettings;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The part of a queue publishers touch from their own threads: how full it is, whether a message may
 * enter, whether it should go to the page files instead of memory, and the producers waiting for room.
 * Everything here is atomic; the rest of the queue lives on its executor.
 */
final class QueueLimits {

    private static final CompletableFuture<Void> ROOM = CompletableFuture.completedFuture(null);

    private final QueueSettings settings;
    private final MemoryBudget memory;
    private final boolean canPage;
    /** Ready, scheduled and paged messages (and those on their way in): what max-length counts. */
    private final AtomicLong depth = new AtomicLong();
    private final AtomicLong depthBytes = new AtomicLong();
    /**
     * Bytes of this queue's ready and scheduled messages held in memory: what its memory limit bounds.
     * In-flight messages are bounded by their consumers' credit instead (and by the broker's budget).
     */
    private final AtomicLong resident = new AtomicLong();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> blockedProducers = new ConcurrentLinkedQueue<>();
    /**
     * Set by the first message that goes to the page files; cleared by the queue's executor once the pages
     * are empty again. While set, every new message is paged too, so nothing overtakes the paged ones.
     */
    private volatile boolean paging;

    private final Deduplicator deduplicator;

    QueueLimits(QueueSettings settings, MemoryBudget memory, boolean canPage, io.ferrymq.core.exec.Clock clock,
                java.util.function.Consumer<String> deduplicationIdExpired) {
        this.settings = settings;
        this.memory = memory;
        this.canPage = canPage;
        this.deduplicator = settings.deduplicationWindowMillis() > 0
                ? new Deduplicator(settings.deduplicationWindowMillis(), clock, deduplicationIdExpired) : null;
    }

    /** The deduplication window, or null when this queue keeps none. */
    Deduplicator deduplicator() {
        return deduplicator;
    }

    Queue.Admission admit(String deduplicationId, long size) {
        if (deduplicator != null && deduplicationId != null && !deduplicator.firstSeen(deduplicationId)) {
            return Queue.Admission.DUPLICATE;
        }
        Queue.Admission a = admit(size);
        if (a == Queue.Admission.REJECTED && deduplicator != null && deduplicationId != null) {
            deduplicator.forget(deduplicationId);
        }
        return a;
    }

    void forgetDeduplicationId(String deduplicationId) {
        if (deduplicator != null && deduplicationId != null) {
            deduplicator.forget(deduplicationId);
        }
    }

    private Queue.Admission admit(long size) {
        long d = depth.incrementAndGet();
        long b = depthBytes.addAndGet(size);
        if (!settings.hasLimits() || settings.overflow() == OverflowPolicy.DROP_HEAD) {
            return Queue.Admission.ACCEPTED;
        }
        boolean over = (settings.maxLength() > 0 && d > settings.maxLength())
                || (settings.maxBytes() > 0 && b > settings.maxBytes());
        if (!over) {
            return Queue.Admission.ACCEPTED;
        }
        if (settings.overflow() == OverflowPolicy.REJECT_PUBLISH) {
            leave(size);
            return Queue.Admission.REJECTED;
        }
        return Queue.Admission.BLOCKED;
    }

    /**
     * Decides, for an admitted message, between memory and the page files; a message kept in memory is
     * counted as resident here.
     */
    boolean pageOnAdmission(long size, boolean mayPage) {
        if (mayPage && canPage && settings.memoryFull() == MemoryFullPolicy.PAGE && (paging
                || settings.maxMemoryBytes() > 0 && resident.get() + size > settings.maxMemoryBytes()
                || memory.exhausted() && !withinFairShare(size))) {
            paging = true;
            return true;
        }
        resident(size);
        return false;
    }

    /**
     * Past the broker's limit, whether this queue may still keep {@code size} more bytes in memory: it is
     * within its part of the limit (and the broker within its reserve), so another queue's backlog does
     * not send its messages to disk.
     */
    private boolean withinFairShare(long size) {
        long r = resident.get();
        return memory.withinReserve() && r + size <= memory.fairShare(r > 0);
    }

    boolean paging() {
        return paging;
    }

    void pagingDone() {
        paging = false;
    }

    /** Pages found on recovery: new messages queue up behind them. */
    void pagingStarted() {
        paging = true;
    }

    /** Whether the queue has room in memory to read paged messages back. */
    boolean roomToDepage() {
        long r = resident.get();
        if (settings.maxMemoryBytes() > 0 && r >= settings.maxMemoryBytes() / 2) {
            return false;
        }
        // Past the broker's limit, a queue well within its share still reads back: its consumers are not
        // held up by the queue (without consumers) that filled the memory.
        return !memory.exhausted() || memory.withinReserve() && r < memory.fairShare(r > 0) / 2;
    }

    /**
     * Whether the queue holds less than half its part of the memory limit (nothing at all, when many queues
     * share it): then it may read back for a waiting consumer even while other queues' unacknowledged
     * messages keep the broker past its reserve.
     */
    boolean wellWithinShare() {
        long r = resident.get();
        return r == 0 || r < memory.fairShare(true) / 2;
    }

    void resident(long delta) {
        long now = resident.addAndGet(delta);
        long before = now - delta;
        if (before <= 0 && now > 0) {
            memory.holding(true);
        } else if (before > 0 && now <= 0) {
            memory.holding(false);
        }
    }

    /** A message left the counted states (delivered, removed) or never entered them. */
    void leave(long size) {
        depth.decrementAndGet();
        depthBytes.addAndGet(-size);
    }

    /** Many messages entered at once (found in page files on recovery). */
    void enterAll(long messages, long bytes) {
        depth.addAndGet(messages);
        depthBytes.addAndGet(bytes);
    }

    /** Many messages left at once (page files purged). */
    void leaveAll(long messages, long bytes) {
        depth.addAndGet(-messages);
        depthBytes.addAndGet(-bytes);
    }

    /** A message came back to the counted states (redelivery). */
    void enter(long size) {
        depth.incrementAndGet();
        depthBytes.addAndGet(size);
    }

    void reset() {
        depth.set(0);
        depthBytes.set(0);
        if (resident.getAndSet(0) > 0) {
            memory.holding(false);
        }
    }

    long depth() {
        return depth.get();
    }

    long depthBytes() {
        return depthBytes.get();
    }

    boolean overLimits() {
        return (settings.maxLength() > 0 && depth.get() > settings.maxLength())
                || (settings.maxBytes() > 0 && depthBytes.get() > settings.maxBytes());
    }

    /** Completes when the queue is back within its limits (for producers that were BLOCKED). */
    CompletableFuture<Void> whenBelowLimits() {
        if (!overLimits()) {
            return ROOM;
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        blockedProducers.add(f);
        if (!overLimits() && blockedProducers.remove(f)) {
            f.complete(null);
        }
        return f;
    }

    void unblockIfRoom() {
        if (!blockedProducers.isEmpty() && !overLimits()) {
            CompletableFuture<Void> f;
            while ((f = blockedProducers.poll()) != null) {
                f.complete(null);
            }
        }
    }
}
