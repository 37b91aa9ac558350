package io.ferrymq.bench.load;

import io.ferrymq.bench.stats.ProcessCounters;
import io.ferrymq.bench.stats.ThreadGroupCounters;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Over the measured window, as {@link BrokerCpuProbe} takes it (first to last progress tick of the measured
 * phase): the broker's CPU time per received message without its JIT compiler threads', its context switches per
 * message, both also per thread group, and the load generator's own CPU time per message and in cores. The first
 * is the broker's work with the compiler's catching-up left out (see {@link ProcessCounters}); the switches count
 * thread crossings; the last says whether the load generator, not the broker, was the limit (it kept busy all the
 * cores it was given). All the broker's figures come from one sample of its threads per tick.
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

        /** A thread group's CPU time and context switches per received message. */
        public record PerMessage(double cpuMicros, double contextSwitches) {
        }

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

        public double brokerContextSwitchesPerMessage() {
            return perMessage(broker.contextSwitches());
        }

        /** Per thread group that used CPU or switched in the window, its CPU and switches per message. */
        public SortedMap<String, PerMessage> brokerPerMessageByGroup() {
            SortedMap<String, PerMessage> out = new TreeMap<>();
            for (Map.Entry<String, ThreadGroupCounters> e : broker.groups().entrySet()) {
                ThreadGroupCounters g = e.getValue();
                if (g.cpuNanos() > 0 || g.contextSwitches() > 0) {
                    out.put(e.getKey(), new PerMessage(perMessage(g.cpuNanos()) / 1e3, perMessage(g.contextSwitches())));
                }
            }
            return out;
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
    private final ProbeWindow<Reading> window = new ProbeWindow<>();

    /** One tick's reading: the broker's counters, this process's CPU time and the run's elapsed time. */
    private record Reading(ProcessCounters broker, long ownCpuNanos, double elapsedSeconds) {
    }

    public ProcessCountersProbe(ProgressListener next, Supplier<ProcessCounters> broker, LongSupplier ownCpuNanos) {
        this.next = next;
        this.broker = broker;
        this.ownCpuNanos = ownCpuNanos;
    }

    @Override
    public void onProgress(Progress p) {
        window.onProgress(p, tick -> new Reading(broker.get(), ownCpuNanos.getAsLong(), tick.elapsedSeconds()));
        next.onProgress(p);
    }

    /** Empty when the measured window had fewer than two progress ticks. */
    public Optional<Counts> result() {
        return window.span().map(w -> new Counts(w.last().broker().minus(w.first().broker()),
                w.last().ownCpuNanos() - w.first().ownCpuNanos(),
                w.last().elapsedSeconds() - w.first().elapsedSeconds(), w.messages()));
    }
}
