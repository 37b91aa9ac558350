package io.ferrymq.bench.journal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the journal benchmark runs.
 *
 * @param directory        where the probe file and the journals go (on the disk under test)
 * @param producers        producer counts, one step each
 * @param messageSize      body bytes of each message
 * @param probeRecordSize  bytes written before each fsync of the raw probe
 * @param warmup           unmeasured time before each step
 * @param duration         measured time of each step
 * @param fsync            the journal's fsync setting (off only to see the journal's CPU ceiling)
 * @param commitDelayNanos the journal's commit delay (0: its default, group commit without waiting)
 * @param rounds           times the whole sequence (raw probes, then each producer count) runs; the
 *                         report gives medians, so one slow moment of a shared disk does not decide it
 */
public record JournalBenchSpec(Path directory, List<Integer> producers, int messageSize, int probeRecordSize,
                               Duration warmup, Duration duration, boolean fsync, long commitDelayNanos,
                               int rounds) {

    public JournalBenchSpec {
        Objects.requireNonNull(directory, "directory");
        producers = List.copyOf(producers);
        if (producers.isEmpty() || producers.stream().anyMatch(p -> p < 1)) {
            throw new IllegalArgumentException("producer counts must be at least 1: " + producers);
        }
        if (messageSize < 0 || probeRecordSize < 1) {
            throw new IllegalArgumentException("message size must be >= 0 and probe record size >= 1");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1");
        }
        if (duration.isZero() || duration.isNegative() || warmup.isNegative()) {
            throw new IllegalArgumentException("duration must be positive and warm-up not negative");
        }
    }
}
