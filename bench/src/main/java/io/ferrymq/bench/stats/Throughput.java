package io.ferrymq.bench.stats;

/**
 * A rate over a measured window.
 *
 * @param messages   messages counted in the window
 * @param msgsPerSec messages per second
 * @param mbPerSec   payload megabytes (10^6 bytes) per second
 */
public record Throughput(long messages, double msgsPerSec, double mbPerSec) {

    public static Throughput of(long messages, long payloadBytesEach, double seconds) {
        if (seconds <= 0) {
            return new Throughput(messages, 0, 0);
        }
        double rate = messages / seconds;
        return new Throughput(messages, rate, rate * payloadBytesEach / 1_000_000.0);
    }
}
