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
    private long startNanos = -1;
    private long startReceived;
    private BrokerCpu result;

    public BrokerCpuProbe(ProgressListener next, LongSupplier cpuNanos) {
        this.next = next;
        this.cpuNanos = cpuNanos;
    }

    @Override
    public void onProgress(Progress p) {
        if (p.phase() == Phase.MEASURE) {
            long now = cpuNanos.getAsLong();
            if (startNanos < 0) {
                startNanos = now;
                startReceived = p.totalReceived();
            } else {
                result = new BrokerCpu((now - startNanos) / 1e9, p.totalReceived() - startReceived);
            }
        }
        next.onProgress(p);
    }

    /** Empty when the measured window had fewer than two progress ticks. */
    public Optional<BrokerCpu> result() {
        return Optional.ofNullable(result);
    }
}
