package io.ferrymq.bench.load;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * The window every broker probe measures over: a reading taken at the first and at the latest progress tick of the
 * measured phase, with the messages received between those two ticks, so that a counter's difference and the
 * message count cover the same interval. A tick whose reading is absent (null) is skipped.
 *
 * @param <R> what one reading holds
 */
final class ProbeWindow<R> {

    /** The first and the latest reading, the messages received between them, and when they were taken. */
    record Span<R>(R first, R last, long messages, Instant from, Instant to) {
    }

    private R first;
    private long firstReceived;
    private Instant firstTime;
    private Span<R> span;

    /** Takes a reading at a tick of the measured phase; other ticks are ignored. */
    void onProgress(Progress p, Function<Progress, R> reading) {
        if (p.phase() != Phase.MEASURE) {
            return;
        }
        R now = reading.apply(p);
        if (now == null) {
            return;
        }
        Instant time = Instant.now();
        if (first == null) {
            first = now;
            firstReceived = p.totalReceived();
            firstTime = time;
        } else {
            span = new Span<>(first, now, p.totalReceived() - firstReceived, firstTime, time);
        }
    }

    /** Empty when the measured window had fewer than two readings. */
    Optional<Span<R>> span() {
        return Optional.ofNullable(span);
    }
}
