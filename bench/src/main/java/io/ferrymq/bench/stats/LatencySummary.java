package io.ferrymq.bench.stats;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of a latency histogram recorded in microseconds.
 *
 * @param count samples
 */
public record LatencySummary(long count, double meanMicros, long p50Micros, long p99Micros, long p999Micros,
                             long maxMicros) {

    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0);

    /**
     * Summarises {@code h}. Percentiles are HdrHistogram's: the value at or below which that share of
     * samples fall, to the histogram's precision (three significant digits here).
     */
    public static LatencySummary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(h.getTotalCount(), h.getMean(), h.getValueAtPercentile(50),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
    }
}
