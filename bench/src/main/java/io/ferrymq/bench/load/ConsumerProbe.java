package io.ferrymq.bench.load;

import io.ferrymq.bench.driver.MessageListener;
import io.ferrymq.bench.driver.Stamp;
import io.ferrymq.bench.stats.LatencyRecorder;
import io.ferrymq.bench.stats.SequenceTracker;

/** One consumer's listener: tracks sequences and, inside the measured window, counts and times deliveries. */
final class ConsumerProbe implements MessageListener {

    private final SequenceTracker tracker = new SequenceTracker();
    private final WindowHolder measured;
    private final Counters counters;
    private final LatencyRecorder latency;

    ConsumerProbe(WindowHolder measured, Counters counters, LatencyRecorder latency) {
        this.measured = measured;
        this.counters = counters;
        this.latency = latency;
    }

    @Override
    public void onMessage(Stamp stamp, int bodyBytes) {
        long now = System.nanoTime();
        counters.received.increment();
        if (stamp == null) {
            tracker.recordUnstamped();
            return;
        }
        tracker.record(stamp.producer(), stamp.sequence());
        if (measured.contains(now)) {
            counters.receivedInWindow.increment();
            latency.recordNanos(now - stamp.sentNanos());
        }
    }

    SequenceTracker tracker() {
        return tracker;
    }
}
