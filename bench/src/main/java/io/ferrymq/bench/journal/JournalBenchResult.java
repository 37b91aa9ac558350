package io.ferrymq.bench.journal;

import java.util.List;

/**
 * The journal benchmark's result: the disk's raw fsync rate and one step per producer count.
 *
 * @param fileSystem the file system under test, e.g. {@code ext4 on /dev/vda}
 */
public record JournalBenchResult(JournalBenchSpec spec, String fileSystem, List<FsyncRate> raw,
                                 List<ProducerRun> runs) {

    public JournalBenchResult {
        raw = List.copyOf(raw);
        runs = List.copyOf(runs);
    }

    /**
     * The rate a store that fsyncs once per message could reach at best: the fastest raw mode (a
     * preallocated file, like the journal's segments, is normally the faster one). The benchmark compares
     * the journal against the higher of the two, so it never flatters it.
     */
    public double oneFsyncPerMessageLimit() {
        return raw.stream().mapToDouble(FsyncRate::perSecond).max().orElse(0);
    }

    /** The step with the most producers. */
    public ProducerRun largest() {
        return runs.stream().max(java.util.Comparator.comparingInt(ProducerRun::producers)).orElseThrow();
    }
}
