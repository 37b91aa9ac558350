package io.ferrymq.bench.journal;

import io.ferrymq.bench.stats.LatencySummary;

/**
 * One step of the journal benchmark: N producers, each appending a persistent message and waiting for
 * its confirmation before the next, for a measured window.
 *
 * @param round     the round (1, 2, ...) it ran in
 * @param producers concurrent producers
 * @param messages  messages confirmed inside the window
 * @param fsyncs    fsyncs the journal made inside the window (its {@code Journal.stats().fsyncs()})
 * @param bytes     bytes the journal wrote inside the window
 * @param seconds   the window
 * @param confirm   time from the append to its confirmation, for messages confirmed inside the window
 */
public record ProducerRun(int round, int producers, long messages, long fsyncs, long bytes, double seconds,
                          LatencySummary confirm) {

    public double msgsPerSec() {
        return seconds <= 0 ? 0 : messages / seconds;
    }

    public double fsyncsPerSec() {
        return seconds <= 0 ? 0 : fsyncs / seconds;
    }

    /** Below 1 means group commit: one fsync made several messages durable. */
    public double fsyncsPerMessage() {
        return messages == 0 ? 0 : (double) fsyncs / messages;
    }

    /** The mean group-commit batch: messages made durable by one fsync. */
    public double messagesPerFsync() {
        return fsyncs == 0 ? 0 : (double) messages / fsyncs;
    }

    public double mbPerSec() {
        return seconds <= 0 ? 0 : bytes / seconds / 1e6;
    }

    /**
     * This step's throughput as a multiple of what a store fsyncing once per message could reach on the
     * same disk ({@code rawFsyncsPerSec} messages per second).
     */
    public double multipleOf(double rawFsyncsPerSec) {
        return rawFsyncsPerSec <= 0 ? 0 : msgsPerSec() / rawFsyncsPerSec;
    }
}
