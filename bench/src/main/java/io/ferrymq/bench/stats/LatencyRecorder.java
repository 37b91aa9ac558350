package io.ferrymq.bench.stats;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;

/**
 * Latency samples from many threads (wait-free for writers), read as intervals for the progress line
 * and accumulated for the final report. Values are microseconds from one hour down to one microsecond,
 * three significant digits; larger values are clamped to one hour.
 */
public final class LatencyRecorder {

    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    private static final int DIGITS = 3;

    private final Recorder recorder = new Recorder(HIGHEST_MICROS, DIGITS);
    private final Histogram total = new Histogram(HIGHEST_MICROS, DIGITS);
    private Histogram interval;

    public void recordNanos(long nanos) {
        long micros = Math.max(0, nanos / 1000);
        recorder.recordValue(Math.min(micros, HIGHEST_MICROS));
    }

    /**
     * The samples since the previous call, which are also added to the total. Call from one thread
     * (the runner's).
     */
    public synchronized LatencySummary takeInterval() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return LatencySummary.of(interval);
    }

    /** Every sample so far (takes the pending interval first). */
    public synchronized LatencySummary total() {
        takeInterval();
        return LatencySummary.of(total);
    }
}
