package io.ferrymq.bench.journal;

import io.ferrymq.bench.stats.LatencySummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static io.ferrymq.bench.journal.FsyncProbe.Mode.APPENDING;
import static io.ferrymq.bench.journal.FsyncProbe.Mode.PREALLOCATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class JournalBenchTest {

    static JournalBenchSpec spec(Path dir, boolean fsync, int rounds) {
        return new JournalBenchSpec(dir, List.of(1, 4, 16), 1024, 64, Duration.ZERO, Duration.ofMillis(150), fsync, 0,
                rounds);
    }

    static LatencySummary p50(long micros) {
        return new LatencySummary(1, micros, micros, micros, micros, micros);
    }

    static FsyncRate raw(FsyncProbe.Mode mode, int round, long syncs, double seconds) {
        return new FsyncRate(mode, round, syncs, seconds, p50(100));
    }

    static ProducerRun step(int round, int producers, long messages, long fsyncs) {
        return new ProducerRun(round, producers, messages, fsyncs, 0, 1, p50(round * 100L));
    }

    @Test
    void derivedRatesOfAStep() {
        // 16 producers, 10 s: 120,000 messages made durable by 2,000 fsyncs.
        ProducerRun r = new ProducerRun(1, 16, 120_000, 2_000, 150_000_000, 10, LatencySummary.EMPTY);
        assertThat(r.msgsPerSec()).isEqualTo(12_000);
        assertThat(r.fsyncsPerSec()).isEqualTo(200);
        assertThat(r.fsyncsPerMessage()).isCloseTo(1.0 / 60, within(1e-12));
        assertThat(r.messagesPerFsync()).isEqualTo(60);
        assertThat(r.mbPerSec()).isEqualTo(15);
        FsyncRate f = raw(PREALLOCATED, 1, 2_000, 2);
        assertThat(f.perSecond()).isEqualTo(1000);
        assertThat(f.meanMicros()).isEqualTo(1000); // 2 s / 2000 syncs
    }

    @Test
    void emptyStepsDoNotDivideByZero() {
        ProducerRun none = new ProducerRun(1, 1, 0, 0, 0, 0, LatencySummary.EMPTY);
        assertThat(none.msgsPerSec()).isZero();
        assertThat(none.fsyncsPerMessage()).isZero();
        assertThat(none.messagesPerFsync()).isZero();
        assertThat(raw(APPENDING, 1, 0, 0).perSecond()).isZero();
        assertThat(raw(APPENDING, 1, 0, 1).meanMicros()).isZero();
        assertThat(JournalBenchResult.median()).isZero();
    }

    @Test
    void medians() {
        assertThat(JournalBenchResult.median(5)).isEqualTo(5);
        assertThat(JournalBenchResult.median(9, 1, 5)).isEqualTo(5);
        assertThat(JournalBenchResult.median(4, 1, 3, 2)).isEqualTo(2.5);
    }

    @Test
    void summariesAreMediansOverRoundsAndTheLimitIsTheBetterRawMedian(@TempDir Path dir) {
        JournalBenchResult r = new JournalBenchResult(spec(dir, true, 3), "ext4 on /dev/x", List.of(
                raw(PREALLOCATED, 1, 1_000, 1), raw(APPENDING, 1, 500, 1),
                raw(PREALLOCATED, 2, 3_000, 1), raw(APPENDING, 2, 700, 1),
                raw(PREALLOCATED, 3, 2_000, 1), raw(APPENDING, 3, 9_000, 1)), List.of(
                step(1, 1, 1_000, 1_000), step(1, 4, 3_000, 1_000), step(1, 16, 20_000, 1_000),
                step(2, 1, 2_000, 2_000), step(2, 4, 6_000, 2_000), step(2, 16, 30_000, 2_000),
                step(3, 1, 1_500, 1_500), step(3, 4, 5_000, 1_500), step(3, 16, 40_000, 3_000)));
        // preallocated: median of 1000, 3000, 2000 = 2000; appending: median of 500, 700, 9000 = 700
        assertThat(r.rawSummaries()).extracting(JournalBenchResult.RawSummary::medianPerSec).containsExactly(2000.0, 700.0);
        assertThat(r.rawSummaries().get(1).maxPerSec()).isEqualTo(9000);
        assertThat(r.oneFsyncPerMessageLimit()).isEqualTo(2000);

        JournalBenchResult.StepSummary top = r.largest();
        assertThat(top.producers()).isEqualTo(16);
        assertThat(top.medianMsgsPerSec()).isEqualTo(30_000);
        assertThat(top.minMsgsPerSec()).isEqualTo(20_000);
        assertThat(top.maxMsgsPerSec()).isEqualTo(40_000);
        // fsyncs per message over all rounds: 6,000 fsyncs / 90,000 messages
        assertThat(top.fsyncsPerMessage()).isCloseTo(6_000.0 / 90_000, within(1e-12));
        assertThat(top.messagesPerFsync()).isCloseTo(15, within(1e-9));
        assertThat(top.multipleOf(r.oneFsyncPerMessageLimit())).isEqualTo(15);
        assertThat(top.medianP50Micros()).isEqualTo(200); // rounds 1, 2, 3 had p50 100, 200, 300
        assertThat(r.smallest().medianMsgsPerSec()).isEqualTo(1_500);
        assertThat(r.stepSummaries()).extracting(JournalBenchResult.StepSummary::producers).containsExactly(1, 4, 16);

        String table = JournalReport.render(r);
        assertThat(table).contains("one fsync per message: at most 2000 msg/s")
                .contains("16 producers: 15.0x the one-fsync-per-message rate, 15.0 messages per fsync (goal: well over 10x with 16)")
                .doesNotContain("BELOW");
        assertThat(JournalReport.json(r, "x", Instant.EPOCH).get("steps").get(2).get("multipleOfLimit").asDouble())
                .isEqualTo(15);
    }

    @Test
    void aStepThroughTheRealJournalCountsMessagesAndFsyncsAndCleansUp(@TempDir Path dir) throws Exception {
        // fsync off keeps this test fast and independent of the disk; the counter still counts the writer's flushes
        JournalBench bench = new JournalBench(spec(dir, false, 1), line -> { }, 1 << 20);
        ProducerRun r = bench.runStep(1, 4);
        assertThat(r.producers()).isEqualTo(4);
        assertThat(r.messages()).isPositive();
        assertThat(r.fsyncs()).isPositive().isLessThanOrEqualTo(r.messages() + 1);
        assertThat(r.bytes()).isGreaterThan(r.messages() * 1024);
        assertThat(r.confirm().count()).isPositive();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }
}
