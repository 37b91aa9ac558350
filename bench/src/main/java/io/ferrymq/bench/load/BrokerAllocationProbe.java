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
    private long startBytes = -1;
    private long startReceived;
    private Instant startTime;
    private BrokerAllocation result;

    public BrokerAllocationProbe(ProgressListener next, LongSupplier allocatedBytes) {
        this.next = next;
        this.allocatedBytes = allocatedBytes;
    }

    @Override
    public void onProgress(Progress p) {
        if (p.phase() == Phase.MEASURE) {
            long now = allocatedBytes.getAsLong();
            Instant time = Instant.now();
            if (startBytes < 0) {
                startBytes = now;
                startReceived = p.totalReceived();
                startTime = time;
            } else {
                result = new BrokerAllocation(now - startBytes, p.totalReceived() - startReceived, startTime, time);
            }
        }
        next.onProgress(p);
    }

    /** Empty when the measured window had fewer than two progress ticks. */
    public Optional<BrokerAllocation> result() {
        return Optional.ofNullable(result);
    }
}
