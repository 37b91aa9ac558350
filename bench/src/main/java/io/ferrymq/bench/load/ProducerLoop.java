package io.ferrymq.bench.load;

import io.ferrymq.bench.driver.Confirmation;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.OutgoingMessage;
import io.ferrymq.bench.driver.ProducerLink;
import io.ferrymq.bench.driver.Stamp;
import io.ferrymq.bench.stats.LatencyRecorder;

import java.util.BitSet;
import java.util.concurrent.locks.LockSupport;

/** One producer's thread: paces, waits for room in the confirm window, stamps and sends until stopped. */
final class ProducerLoop implements Runnable {

    private static final long POLL_MILLIS = 50;

    private final int id;
    private final ProducerLink link;
    private final byte[] body;
    private final boolean persistent;
    private final Pacer pacer;
    private final ConfirmWindow window;
    private final WindowHolder measured;
    private final Counters counters;
    private final LatencyRecorder confirmLatency;
    private final DriverErrors errors;
    private volatile boolean stopped;
    private volatile long sent;
    /** Sequence numbers the broker confirmed; written by client library threads. */
    private final BitSet confirmedSequences = new BitSet();

    ProducerLoop(int id, ProducerLink link, byte[] body, boolean persistent, Pacer pacer, ConfirmWindow window,
                 WindowHolder measured, Counters counters, LatencyRecorder confirmLatency, DriverErrors errors) {
        this.id = id;
        this.link = link;
        this.body = body;
        this.persistent = persistent;
        this.pacer = pacer;
        this.window = window;
        this.measured = measured;
        this.counters = counters;
        this.confirmLatency = confirmLatency;
        this.errors = errors;
    }

    @Override
    public void run() {
        long seq = 0;
        try {
            while (!stopped) {
                if (!awaitSlot() || !window.acquire(POLL_MILLIS)) {
                    continue;
                }
                long now = System.nanoTime();
                Stamp stamp = new Stamp(id, seq, now);
                try {
                    link.send(new OutgoingMessage(stamp, body, persistent),
                            window.confirming() ? confirmation(seq, now) : null);
                } catch (Exception e) {
                    if (window.confirming()) {
                        window.release();
                    }
                    errors.report("producer " + id + ": send failed, producer stopped: " + e);
                    return;
                }
                seq++;
                sent = seq;
                counters.sent.increment();
                if (measured.contains(now)) {
                    counters.sentInWindow.increment();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Parks until the pacer's next slot; false if stopped meanwhile. */
    private boolean awaitSlot() {
        if (pacer.unlimited()) {
            return true;
        }
        long slot = pacer.nextSlot(System.nanoTime());
        for (long wait; (wait = slot - System.nanoTime()) > 0; ) {
            if (stopped) {
                return false;
            }
            LockSupport.parkNanos(Math.min(wait, POLL_MILLIS * 1_000_000));
        }
        return !stopped;
    }

    private Confirmation confirmation(long seq, long sentNanos) {
        return new Confirmation() {
            @Override
            public void confirmed() {
                confirmLatency.recordNanos(System.nanoTime() - sentNanos);
                synchronized (confirmedSequences) {
                    confirmedSequences.set((int) seq);
                }
                counters.confirmed.increment();
                window.release();
            }

            @Override
            public void failed(String reason) {
                counters.confirmFailures.increment();
                errors.report("producer " + id + ": " + reason);
                window.release();
            }
        };
    }

    void stop() {
        stopped = true;
    }

    /** Messages sent so far: sequences 0 .. sent-1. */
    long sent() {
        return sent;
    }

    /** A copy of the sequence numbers confirmed so far. */
    BitSet confirmed() {
        synchronized (confirmedSequences) {
            return (BitSet) confirmedSequences.clone();
        }
    }

    ConfirmWindow window() {
        return window;
    }
}
