package io.ferrymq.aws.fifo;

import java.util.concurrent.atomic.AtomicLong;

/**
 * FIFO sequence numbers: 20 digits, strictly increasing, and starting from the clock's microsecond-ish
 * value so that they keep increasing across a restart (as SQS's and SNS's do).
 */
public final class SequenceNumbers {

    private final AtomicLong last = new AtomicLong();

    /** The next number at wall-clock time {@code nowMillis}. */
    public String next(long nowMillis) {
        long base = nowMillis * 1_000_000L;
        return String.format("%020d", last.updateAndGet(prev -> Math.max(prev + 1, base)));
    }
}
