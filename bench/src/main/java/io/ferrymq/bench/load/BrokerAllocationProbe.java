package io.ferrymq.bench.load;

import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The broker's Java heap allocation per received message over the measured window, taken like
 * {@link BrokerCpuProbe}: the JVM's total allocated bytes read at the first and at the last progress tick of the
 * measured window, divided by the messages received between those ticks. It also keeps the wall-clock times of the
 * two ticks, so that a flight recording of the broker can be cut to the same window.
 */
public final class BrokerAllocationProbe implements ProgressListener {

    /** Bytes the broker allocated over an interval, the messages received in it, and the interval. */
    public record BrokerAllocation(long bytes, long messages, Instant from, Instant to) {
        public double bytesPerMessage() {
            return messages == 0 ? Double.NaN : (double) bytes / messages;
        }
    }

    private final ProgressListener next;
    private final LongSupplier allocatedBytes;
    private final ProbeWindow<Long> window = new ProbeWindow<>();

    public BrokerAllocationProbe(ProgressListener next, LongSupplier allocatedBytes) {
        this.next = next;
        this.allocatedBytes = allocatedBytes;
    }

    @Override
    public void onProgress(Progress p) {
        window.onProgress(p, tick -> allocatedBytes.getAsLong());
        next.onProgress(p);
    }

    /** Empty when the measured window had fewer than two progress ticks. */
    public Optional<BrokerAllocation> result() {
        return window.span().map(w -> new BrokerAllocation(w.last() - w.first(), w.messages(), w.from(), w.to()));
    }
}
