package io.ferrymq.bench.load;

import io.ferrymq.bench.stats.LatencyRecorder;
import io.ferrymq.bench.stats.LatencySummary;

/** Turns the run's counters into per-interval rates for the progress listener. Used by the runner's thread only. */
final class ProgressTicker {

    private final long start;
    private final Counters counters;
    private final LatencyRecorder latency;
    private final ProgressListener listener;
    private long lastNanos;
    private long lastSent;
    private long lastReceived;

    ProgressTicker(long start, Counters counters, LatencyRecorder latency, ProgressListener listener) {
        this.start = start;
        this.counters = counters;
        this.latency = latency;
        this.listener = listener;
        this.lastNanos = start;
    }

    void tick(Phase phase) {
        long now = System.nanoTime();
        long sent = counters.sent.sum();
        long received = counters.received.sum();
        double secs = Math.max(1e-9, (now - lastNanos) / 1e9);
        LatencySummary interval = phase == Phase.MEASURE ? latency.takeInterval() : LatencySummary.EMPTY;
        listener.onProgress(new Progress(phase, (now - start) / 1e9, (sent - lastSent) / secs,
                (received - lastReceived) / secs, sent, received, interval));
        lastNanos = now;
        lastSent = sent;
        lastReceived = received;
    }
}
