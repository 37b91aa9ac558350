package io.ferrymq.bench.sqs;

import io.ferrymq.bench.stats.LatencySummary;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;

/**
 * Latency samples (wait-free for the recording threads, 1 µs to 1 h, 3 significant digits like the rest of the
 * bench) of which only those recorded between {@link #open()} and {@link #close()} count: the measured window.
 */
final class WindowLatency {

    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
    private Histogram window;

    void recordNanos(long nanos) {
        recorder.recordValue(Math.min(Math.max(0, nanos / 1000), HIGHEST_MICROS));
    }

    /** Starts the window: what was recorded so far (warm-up) is dropped. */
    synchronized void open() {
        recorder.getIntervalHistogram();
    }

    /** Ends the window; later calls return the same summary. */
    synchronized LatencySummary close() {
        if (window == null) {
            window = recorder.getIntervalHistogram();
        }
        return LatencySummary.of(window);
    }
}
