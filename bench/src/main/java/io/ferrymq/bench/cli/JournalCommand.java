package io.ferrymq.bench.cli;

import io.ferrymq.bench.journal.JournalBench;
import io.ferrymq.bench.journal.JournalBenchResult;
import io.ferrymq.bench.journal.JournalBenchSpec;
import io.ferrymq.bench.journal.JournalReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ferrymq-bench journal}: durable messages per second through the journal, next to the disk's fsync rate. */
@Command(name = "journal", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures the raw fsync rate of a bare file on this disk (write a small record, fsync, repeat), "
                + "then durable messages per second through FerryMQ's journal, in-process, with 1, 4 and 16 concurrent "
                + "producers that each wait for the confirmation of a message before sending the next; reports "
                + "fsyncs per message (group commit) and the multiple of the one-fsync-per-message rate.",
                "Run it on the disk the broker's data directory would use (--dir); a tmpfs directory measures nothing."})
final class JournalCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;

    @Option(names = "--dir", description = "Directory on the disk under test; the benchmark's files are created in it "
            + "and removed afterwards (default: ./ferrymq-journal-bench).")
    Path dir;

    @Option(names = {"-p", "--producers"}, split = ",", defaultValue = "1,4,16",
            description = "Producer counts, one step each (default: ${DEFAULT-VALUE}).")
    List<Integer> producers;

    @Option(names = {"-s", "--size"}, defaultValue = "1024", description = "Message body bytes (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--probe-record", defaultValue = "64",
            description = "Bytes written before each fsync of the raw probe (default: ${DEFAULT-VALUE}).")
    int probeRecord;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Times the whole sequence runs (raw probes, then each producer count), alternating, so that a "
                    + "slow spell of a shared disk hits both sides; the report gives medians (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "1s", converter = DurationConverter.class,
            description = "Unmeasured time before each step (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = {"-t", "--duration"}, defaultValue = "4s", converter = DurationConverter.class,
            description = "Measured time of each step (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--commit-delay", defaultValue = "0ms", converter = DurationConverter.class,
            description = "The journal's commit delay (default: ${DEFAULT-VALUE}, the broker's default).")
    Duration commitDelay;

    @Option(names = "--no-fsync", description = "Run the journal with fsync off: its CPU ceiling, not a durable rate.")
    boolean noFsync;

    @Override
    public Integer call() throws Exception {
        Path base = dir != null ? dir : Path.of("ferrymq-journal-bench");
        boolean created = !Files.exists(base);
        JournalBenchSpec spec = new JournalBenchSpec(base.toAbsolutePath(), producers, size, probeRecord, warmup,
                duration, !noFsync, commitDelay.toNanos(), rounds);
        JournalBenchResult result;
        try {
            result = new JournalBench(spec, line -> {
                if (!output.quiet) {
                    System.err.println("journal: " + line);
                }
            }).run();
        } finally {
            if (created) {
                try {
                    Files.deleteIfExists(base);
                } catch (java.io.IOException e) {
                    System.err.println("journal: could not remove " + base + ": " + e);
                }
            }
        }
        output.emit(System.out, JournalReport.render(result), JournalReport.json(result, output.label, Instant.now()));
        return 0;
    }
}
