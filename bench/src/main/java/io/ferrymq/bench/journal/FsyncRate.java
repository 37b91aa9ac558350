package io.ferrymq.bench.journal;

import io.ferrymq.bench.stats.LatencySummary;

/**
 * The raw fsync rate of a bare file: a loop that writes one small record and fsyncs it, nothing else.
 *
 * @param mode    how the file was written ({@link FsyncProbe.Mode})
 * @param round   the round (1, 2, ...) it was measured in
 * @param syncs   write + fsync pairs completed inside the measured window
 * @param seconds the measured window
 * @param latency time of each write + fsync
 */
public record FsyncRate(FsyncProbe.Mode mode, int round, long syncs, double seconds, LatencySummary latency) {

    public double perSecond() {
        return seconds <= 0 ? 0 : syncs / seconds;
    }

    /** Mean time of one write + fsync, in microseconds. */
    public double meanMicros() {
        return syncs == 0 ? 0 : seconds * 1e6 / syncs;
    }
}
