package io.ferrymq.bench.load;

import io.ferrymq.bench.stats.SocketCounters;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The broker's TCP counters on its listener's connections per received message over the measured window, read at
 * the first and the last progress tick of the window like {@link ProcessCountersProbe}: data segments and bytes each
 * way. Segments per message count the broker's writes and its clients' sends, which decide how often each side
 * wakes up; when the load generator, not the broker, limits a run, they are what a broker change can alter.
 */
public final class SocketCountersProbe implements ProgressListener {

    /** The counters over the window and the messages received in it. */
    public record Counts(SocketCounters sockets, long messages) {

        public double perMessage(long count) {
            return messages == 0 ? Double.NaN : (double) count / messages;
        }

        /** Bytes per data segment the broker sent: how much each of its writes carried. */
        public double bytesPerSegmentOut() {
            return sockets.segmentsOut() == 0 ? Double.NaN : (double) sockets.bytesOut() / sockets.segmentsOut();
        }
    }

    private final ProgressListener next;
    private final Supplier<Optional<SocketCounters>> sockets;
    private final ProbeWindow<SocketCounters> window = new ProbeWindow<>();

    public SocketCountersProbe(ProgressListener next, Supplier<Optional<SocketCounters>> sockets) {
        this.next = next;
        this.sockets = sockets;
    }

    @Override
    public void onProgress(Progress p) {
        window.onProgress(p, tick -> sockets.get().orElse(null));
        next.onProgress(p);
    }

    /** Empty when the measured window had fewer than two readings. */
    public Optional<Counts> result() {
        return window.span().map(w -> new Counts(w.last().minus(w.first()), w.messages()));
    }
}
