package io.ferrymq.core.memory;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of message held in memory across the broker, against a limit. Past the limit, producers'
 * confirmations wait ({@link #whenAvailable}) so adapters stop reading from them: memory stays bounded
 * by the limit plus what producers already had in flight, however slow the consumers.
 */
public final class MemoryBudget {

    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final Queue<CompletableFuture<Void>> waiters = new ConcurrentLinkedQueue<>();
    private static final CompletableFuture<Void> AVAILABLE = CompletableFuture.completedFuture(null);

    /** @param limitBytes 0 for no limit */
    public MemoryBudget(long limitBytes) {
        this.limit = limitBytes;
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

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
