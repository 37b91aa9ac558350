package io.ferrymq.bench.load;

import io.ferrymq.bench.stats.ProcessCounters;

import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Over the measured window, as {@link BrokerCpuProbe} takes it (first to last progress tick of the measured
 * phase): the broker's CPU time per received message without its JIT compiler threads', its context switches per
 * message, and the load generator's own CPU time per message and in cores. The first is the broker's work with
 * the compiler's catching-up left out (see {@link ProcessCounters}); the last says whether the load generator,
 * not the broker, was the limit (it kept busy all the cores it was given).
 */
public final class ProcessCountersProbe implements ProgressListener {

    /**
     * The counts over the window.
     *
     * @param broker                the broker's counters over the window
     * @param loadGeneratorCpuNanos this process's CPU time over the window
     * @param seconds               the window's length
     * @param messages              messages received in it
     */
    public record Counts(ProcessCounters broker, long loadGeneratorCpuNanos, double seconds, long messages) {

        public double perMessage(long count) {
            return messages == 0 ? Double.NaN : (double) count / messages;
        }

        /** The broker's CPU time per message without its JIT compiler threads', in microseconds. */
        public double brokerNonCompilerMicrosPerMessage() {
            return perMessage(broker.nonCompilerCpuNanos()) / 1e3;
        }

        /** The share of the broker's CPU time its JIT compiler threads took. */
        public double brokerCompilerShare() {
            return broker.cpuNanos() == 0 ? Double.NaN : (double) broker.compilerCpuNanos() / broker.cpuNanos();
        }

        public double loadGeneratorMicrosPerMessage() {
            return messages == 0 ? Double.NaN : loadGeneratorCpuNanos / 1e3 / messages;
        }

        /** The load generator's CPU time over the window's length: 1.0 is one core kept busy. */
        public double loadGeneratorCores() {
            return seconds <= 0 ? Double.NaN : loadGeneratorCpuNanos / 1e9 / seconds;
        }
    }

    private final ProgressListener next;
    private final Supplier<ProcessCounters> broker;
    private final LongSupplier ownCpuNanos;
    private ProcessCounters startCounters;
    private long startCpu;
    private double startSeconds;
    private long startReceived;
    private Counts result;

    public ProcessCountersProbe(ProgressListener next, Supplier<ProcessCounters> broker, LongSupplier ownCpuNanos) {
        this.next = next;
        this.broker = broker;
        this.ownCpuNanos = ownCpuNanos;
    }

    @Override
    public void onProgress(Progress p) {
        if (p.phase() == Phase.MEASURE) {
            ProcessCounters now = broker.get();
            long cpu = ownCpuNanos.getAsLong();
            if (startCounters == null) {
                startCounters = now;
                startCpu = cpu;
                startSeconds = p.elapsedSeconds();
                startReceived = p.totalReceived();
            } else {
                result = new Counts(now.minus(startCounters), cpu - startCpu, p.elapsedSeconds() - startSeconds,
                        p.totalReceived() - startReceived);
            }
        }
        next.onProgress(p);
    }

    /** Empty when the measured window had fewer than two progress ticks. */
    public Optional<Counts> result() {
        return Optional.ofNullable(result);
    }
}
