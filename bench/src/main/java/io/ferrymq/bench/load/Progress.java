package io.ferrymq.bench.load;

import io.ferrymq.bench.stats.LatencySummary;

/**
 * A snapshot for the progress line, covering the interval since the previous one.
 *
 * @param latency end-to-end latency of the interval (empty during warm-up)
 */
public record Progress(Phase phase, double elapsedSeconds, double sentPerSec, double receivedPerSec,
                       long totalSent, long totalReceived, LatencySummary latency) {
}
