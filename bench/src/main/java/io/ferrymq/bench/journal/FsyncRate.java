package io.ferrymq.bench.journal;

/**
 * The raw fsync rate of a bare file: a loop that writes one small record and fsyncs it, nothing else.
 *
 * @param mode    how the file was written ({@link FsyncProbe.Mode})
 * @param syncs   write + fsync pairs completed inside the measured window
 * @param seconds the measured window
 */
public record FsyncRate(FsyncProbe.Mode mode, long syncs, double seconds) {

    public double perSecond() {
        return seconds <= 0 ? 0 : syncs / seconds;
    }

    /** Mean time of one write + fsync, in microseconds. */
    public double meanMicros() {
        return syncs == 0 ? 0 : seconds * 1e6 / syncs;
    }
}
