package io.ferrymq.bench.load;

import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The broker's CPU time per received message over the measured window: its CPU time (user + system, from
 * {@code /proc/PID/stat} through {@code cpuNanos}) read at the first and at the last progress tick of the measured
 * window, divided by the messages received between those two ticks. Both readings come from the same ticks, so
 * the CPU time and the message count cover the same interval.
 *
 * <p>This is the figure that stays meaningful when broker and load generator share a machine: throughput also
 * depends on how much of the cores each side got, CPU per message much less.
 */
public final class BrokerCpuProbe implements ProgressListener {

    /** The broker's CPU time over an interval and the messages received in it. */
    public record BrokerCpu(double cpuSeconds, long messages) {
        public double microsPerMessage() {
            return messages == 0 ? Double.NaN : cpuSeconds * 1e6 / messages;
        }
    }

    private final ProgressListener next;
    private final LongSupplier cpuNanos;
    private final ProbeWindow<Long> window = new ProbeWindow<>();

    public BrokerCpuProbe(ProgressListener next, LongSupplier cpuNanos) {
        this.next = next;
        this.cpuNanos = cpuNanos;
    }

    @Override
    public void onProgress(Progress p) {
        window.onProgress(p, tick -> cpuNanos.getAsLong());
        next.onProgress(p);
    }

    /** Empty when the measured window had fewer than two progress ticks. */
    public Optional<BrokerCpu> result() {
        return window.span().map(w -> new BrokerCpu((w.last() - w.first()) / 1e9, w.messages()));
    }
}
