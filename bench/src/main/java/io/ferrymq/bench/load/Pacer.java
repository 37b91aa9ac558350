package io.ferrymq.bench.load;

/**
 * Spaces one producer's sends at a fixed rate. Each call hands out the next send slot; a producer that
 * falls behind may catch up, but by no more than {@link #MAX_LAG_NANOS}, so a stall is not followed by a
 * burst that would distort latency. Not thread-safe: one per producer.
 */
final class Pacer {

    static final long MAX_LAG_NANOS = 100_000_000L;

    private final long intervalNanos;
    private long next;
    private boolean started;

    private Pacer(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /** A pacer for {@code perSecond} sends per second; 0 means no pacing. */
    static Pacer atRate(double perSecond) {
        return new Pacer(perSecond <= 0 ? 0 : Math.max(1, Math.round(1e9 / perSecond)));
    }

    boolean unlimited() {
        return intervalNanos == 0;
    }

    /** The time ({@link System#nanoTime} scale) at which the next send is due, given the time now. */
    long nextSlot(long nowNanos) {
        if (unlimited()) {
            return nowNanos;
        }
        if (!started) {
            started = true;
            next = nowNanos;
        }
        long slot = Math.max(next, nowNanos - MAX_LAG_NANOS);
        next = slot + intervalNanos;
        return slot;
    }
}
