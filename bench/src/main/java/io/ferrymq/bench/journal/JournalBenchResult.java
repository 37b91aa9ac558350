package io.ferrymq.bench.journal;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The journal benchmark's result: every raw fsync measurement and every producer step of every round,
 * and their medians.
 *
 * @param fileSystem the file system under test, e.g. {@code ext4 on /dev/vda}
 */
public record JournalBenchResult(JournalBenchSpec spec, String fileSystem, List<FsyncRate> raw,
                                 List<ProducerRun> runs) {

    public JournalBenchResult {
        raw = List.copyOf(raw);
        runs = List.copyOf(runs);
    }

    /** One raw file layout over all rounds. */
    public record RawSummary(FsyncProbe.Mode mode, int rounds, double medianPerSec, double minPerSec, double maxPerSec,
                             double medianP50Micros) { }

    /**
     * One producer count over all rounds. Throughput and latency are medians over rounds; fsyncs per
     * message is over all rounds together (total fsyncs / total messages).
     */
    public record StepSummary(int producers, int rounds, double medianMsgsPerSec, double minMsgsPerSec,
                              double maxMsgsPerSec, double medianFsyncsPerSec, double fsyncsPerMessage,
                              double medianP50Micros, double medianP99Micros) {

        public double messagesPerFsync() {
            return fsyncsPerMessage <= 0 ? 0 : 1 / fsyncsPerMessage;
        }

        /** Median throughput as a multiple of {@code limit} msg/s (see {@link #oneFsyncPerMessageLimit}). */
        public double multipleOf(double limit) {
            return limit <= 0 ? 0 : medianMsgsPerSec / limit;
        }
    }

    public List<RawSummary> rawSummaries() {
        return Arrays.stream(FsyncProbe.Mode.values())
                .map(mode -> raw.stream().filter(f -> f.mode() == mode).toList())
                .filter(l -> !l.isEmpty())
                .map(l -> new RawSummary(l.get(0).mode(), l.size(), median(l, FsyncRate::perSecond),
                        min(l, FsyncRate::perSecond), max(l, FsyncRate::perSecond),
                        median(l, f -> f.latency().p50Micros())))
                .toList();
    }

    /** Producer counts in the order the spec gives them. */
    public List<StepSummary> stepSummaries() {
        return spec.producers().stream().distinct()
                .map(n -> runs.stream().filter(r -> r.producers() == n).toList())
                .filter(l -> !l.isEmpty())
                .map(l -> {
                    long msgs = l.stream().mapToLong(ProducerRun::messages).sum();
                    long fsyncs = l.stream().mapToLong(ProducerRun::fsyncs).sum();
                    return new StepSummary(l.get(0).producers(), l.size(), median(l, ProducerRun::msgsPerSec),
                            min(l, ProducerRun::msgsPerSec), max(l, ProducerRun::msgsPerSec),
                            median(l, ProducerRun::fsyncsPerSec), msgs == 0 ? 0 : (double) fsyncs / msgs,
                            median(l, r -> r.confirm().p50Micros()), median(l, r -> r.confirm().p99Micros()));
                })
                .toList();
    }

    /**
     * The rate a store that fsyncs once per message could reach: the better of the two raw layouts'
     * medians. (The journal's own 1-producer step is such a store too; the report shows the multiple of it
     * beside this one.)
     */
    public double oneFsyncPerMessageLimit() {
        return rawSummaries().stream().mapToDouble(RawSummary::medianPerSec).max().orElse(0);
    }

    /** The step with the most producers. */
    public StepSummary largest() {
        return stepSummaries().stream().max(java.util.Comparator.comparingInt(StepSummary::producers)).orElseThrow();
    }

    /** The step with the fewest producers (1 by default: one fsync per message through the journal itself). */
    public StepSummary smallest() {
        return stepSummaries().stream().min(java.util.Comparator.comparingInt(StepSummary::producers)).orElseThrow();
    }

    /** The median of {@code values}: the middle one, or the mean of the two middle ones. */
    static double median(double... values) {
        if (values.length == 0) {
            return 0;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    private static <T> double median(List<T> l, ToDoubleFunction<T> f) {
        return median(l.stream().mapToDouble(f).toArray());
    }

    private static <T> double min(List<T> l, ToDoubleFunction<T> f) {
        return l.stream().mapToDouble(f).min().orElse(0);
    }

    private static <T> double max(List<T> l, ToDoubleFunction<T> f) {
        return l.stream().mapToDouble(f).max().orElse(0);
    }
}
