package io.ferrymq.bench.journal;

import io.ferrymq.bench.stats.LatencySummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class JournalBenchTest {

    static JournalBenchSpec spec(Path dir, boolean fsync) {
        return new JournalBenchSpec(dir, List.of(1, 4, 16), 1024, 64, Duration.ZERO, Duration.ofMillis(150), fsync, 0);
    }

    @Test
    void derivedRatesOfAStep() {
        // 16 producers, 10 s: 120,000 messages made durable by 2,000 fsyncs.
        ProducerRun r = new ProducerRun(16, 120_000, 2_000, 150_000_000, 10, LatencySummary.EMPTY);
        assertThat(r.msgsPerSec()).isEqualTo(12_000);
        assertThat(r.fsyncsPerSec()).isEqualTo(200);
        assertThat(r.fsyncsPerMessage()).isCloseTo(1.0 / 60, within(1e-12));
        assertThat(r.messagesPerFsync()).isEqualTo(60);
        assertThat(r.mbPerSec()).isEqualTo(15);
        // the disk allows 400 fsyncs/s: one fsync per message would cap at 400 msg/s
        assertThat(r.multipleOf(400)).isEqualTo(30);
    }

    @Test
    void emptyStepsDoNotDivideByZero() {
        ProducerRun none = new ProducerRun(1, 0, 0, 0, 0, LatencySummary.EMPTY);
        assertThat(none.msgsPerSec()).isZero();
        assertThat(none.fsyncsPerMessage()).isZero();
        assertThat(none.messagesPerFsync()).isZero();
        assertThat(none.multipleOf(0)).isZero();
        assertThat(new FsyncRate(FsyncProbe.Mode.APPENDING, 0, 0).perSecond()).isZero();
        assertThat(new FsyncRate(FsyncProbe.Mode.APPENDING, 0, 1).meanMicros()).isZero();
    }

    @Test
    void theLimitIsTheFasterRawModeAndTheGoalLineUsesTheLargestStep(@TempDir Path dir) {
        FsyncRate pre = new FsyncRate(FsyncProbe.Mode.PREALLOCATED, 2_000, 2); // 1000/s, 1000 us each
        FsyncRate app = new FsyncRate(FsyncProbe.Mode.APPENDING, 1_000, 2);    // 500/s
        assertThat(pre.meanMicros()).isEqualTo(1000);
        JournalBenchResult r = new JournalBenchResult(spec(dir, true), "ext4 on /dev/x", List.of(pre, app), List.of(
                new ProducerRun(1, 900, 900, 0, 1, LatencySummary.EMPTY),
                new ProducerRun(16, 12_500, 400, 0, 1, LatencySummary.EMPTY),
                new ProducerRun(4, 3_000, 800, 0, 1, LatencySummary.EMPTY)));
        assertThat(r.oneFsyncPerMessageLimit()).isEqualTo(1000);
        assertThat(r.largest().producers()).isEqualTo(16);
        String table = JournalReport.render(r);
        assertThat(table).contains("one fsync per message: at most 1000 msg/s")
                .contains("16 producers: 12.5x the one-fsync-per-message rate (goal: well over 10x)")
                .doesNotContain("BELOW");
        assertThat(JournalReport.json(r, "x", java.time.Instant.EPOCH).get("runs").get(1).get("multipleOfLimit")
                .asDouble()).isEqualTo(12.5);
    }

    @Test
    void aStepThroughTheRealJournalCountsMessagesAndFsyncsAndCleansUp(@TempDir Path dir) throws Exception {
        // fsync off keeps this test fast and independent of the disk; the counter still counts the writer's flushes
        JournalBench bench = new JournalBench(spec(dir, false), line -> { });
        ProducerRun r = bench.runStep(4);
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
