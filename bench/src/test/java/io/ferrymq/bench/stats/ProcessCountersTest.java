package io.ferrymq.bench.stats;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCountersTest {

    private static final long MS = 1_000_000;

    @Test
    void sumsTheThreadsOfEachGroup() {
        ProcessCounters c = ProcessCounters.of(100 * MS, List.of(
                new ThreadSample("ferrymq-io-3-1", 20 * MS, 5),
                new ThreadSample("ferrymq-io-3-2", 10 * MS, 7),
                new ThreadSample("C2 CompilerThre", 30 * MS, 2),
                new ThreadSample("C1 CompilerThre", 5 * MS, 1)));

        assertThat(c.groups()).containsExactly(
                Map.entry("C1 CompilerThre", new ThreadGroupCounters(5 * MS, 1)),
                Map.entry("C2 CompilerThre", new ThreadGroupCounters(30 * MS, 2)),
                Map.entry("ferrymq-io", new ThreadGroupCounters(30 * MS, 12)));
        assertThat(c.compilerCpuNanos()).isEqualTo(35 * MS);
        assertThat(c.nonCompilerCpuNanos()).isEqualTo(65 * MS);
        assertThat(c.contextSwitches()).isEqualTo(15);
    }

    @Test
    void theDifferenceCountsTheGroupsAliveAtTheLaterSample() {
        ProcessCounters earlier = ProcessCounters.of(100 * MS, List.of(
                new ThreadSample("ferrymq-io-3-1", 20 * MS, 5),
                new ThreadSample("gone-1", 40 * MS, 9)));
        ProcessCounters later = ProcessCounters.of(180 * MS, List.of(
                new ThreadSample("ferrymq-io-3-1", 50 * MS, 15),
                new ThreadSample("C2 CompilerThre", 10 * MS, 3)));

        ProcessCounters d = later.minus(earlier);

        assertThat(d.cpuNanos()).isEqualTo(80 * MS);
        assertThat(d.groups()).containsExactly(
                Map.entry("C2 CompilerThre", new ThreadGroupCounters(10 * MS, 3)),
                Map.entry("ferrymq-io", new ThreadGroupCounters(30 * MS, 10)));
        assertThat(d.compilerCpuNanos()).isEqualTo(10 * MS);
        assertThat(d.contextSwitches()).isEqualTo(13);
    }

    @Test
    void samplesThisJvm() {
        ProcessCounters now = ProcessCounters.of(ProcessHandle.current().pid());

        assertThat(now.cpuNanos()).isPositive();
        assertThat(now.groups()).isNotEmpty();
        assertThat(now.compilerCpuNanos()).isNotNegative().isLessThanOrEqualTo(now.cpuNanos());
        assertThat(now.nonCompilerCpuNanos()).isPositive();
        assertThat(now.contextSwitches()).isPositive();
        assertThat(now.minus(now).contextSwitches()).isZero();
        assertThat(now.minus(now).cpuNanos()).isZero();
    }
}
