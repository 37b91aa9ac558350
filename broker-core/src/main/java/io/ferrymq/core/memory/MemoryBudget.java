package io.ferrymq.core.memory;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of message held in memory across the broker, against a limit. Past the limit, producers'
 * confirmations wait ({@link #whenAvailable}) so adapters stop reading from them: memory stays bounded
 * by the limit plus what producers already had in flight, however slow the consumers.
 *
 * <p>Queues that page share the limit: past it, a queue still within its {@link #fairShare fair share}
 * keeps new messages in memory and reads its pages back, so one queue's backlog (a queue nobody
 * consumes) cannot push every other queue to disk. That runs over the limit by at most a
 * {@link #withinReserve reserve} of a quarter of it.
 */
public final class MemoryBudget {

    private final long limit;
    private final long ceiling;
    private final AtomicLong used = new AtomicLong();
    /** Queues with messages held in memory: they share the limit. */
    private final AtomicInteger holders = new AtomicInteger();
    private final Queue<CompletableFuture<Void>> waiters = new ConcurrentLinkedQueue<>();
    private static final CompletableFuture<Void> AVAILABLE = CompletableFuture.completedFuture(null);

    /** @param limitBytes 0 for no limit */
    public MemoryBudget(long limitBytes) {
        this.limit = limitBytes;
        this.ceiling = limitBytes + limitBytes / 4;
    }

    public static MemoryBudget unlimited() {
        return new MemoryBudget(0);
    }

    public void acquire(long bytes) {
        used.addAndGet(bytes);
    }

    public void release(long bytes) {
        long now = used.addAndGet(-bytes);
        if (limit > 0 && now < limit && !waiters.isEmpty()) {
            CompletableFuture<Void> w;
            while ((w = waiters.poll()) != null) {
                w.complete(null);
            }
        }
    }

    public boolean exhausted() {
        return limit > 0 && used.get() >= limit;
    }

    /** Completes once usage is below the limit: at once when it already is. */
    public CompletableFuture<Void> whenAvailable() {
        if (!exhausted()) {
            return AVAILABLE;
        }
        CompletableFuture<Void> w = new CompletableFuture<>();
        waiters.add(w);
        // Re-check: a release may have drained the waiters between our test and our add.
        if (!exhausted() && waiters.remove(w)) {
            w.complete(null);
        }
        return w;
    }

    /** A queue started ({@code true}) or stopped holding messages in memory. */
    public void holding(boolean holds) {
        if (holds) {
            holders.incrementAndGet();
        } else {
            holders.decrementAndGet();
        }
    }

    /**
     * The bytes a queue may keep in memory once the limit is reached: an equal part of the limit for
     * every queue holding messages, counting the asking queue among them.
     *
     * @param holds whether the asking queue already holds messages (and so is counted)
     */
    public long fairShare(boolean holds) {
        return limit / Math.max(1, holders.get() + (holds ? 0 : 1));
    }

    /** Whether usage is below the hard ceiling (the limit and its reserve) that no fair share goes past. */
    public boolean withinReserve() {
        return limit == 0 || used.get() < ceiling;
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
