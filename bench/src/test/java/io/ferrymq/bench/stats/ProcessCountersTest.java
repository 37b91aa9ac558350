package io.ferrymq.bench.stats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCountersTest {

    @Test
    void tellsTheJitCompilerThreadsByName() {
        assertThat(ProcessCounters.isCompilerThread("42 (C2 CompilerThre) S 1 1 1 0 -1 0 0 0 0 0 5 2")).isTrue();
        assertThat(ProcessCounters.isCompilerThread("43 (C1 CompilerThre) S 1 1 1 0 -1 0 0 0 0 0 5 2")).isTrue();
        assertThat(ProcessCounters.isCompilerThread("44 (ferrymq-io-3-1) S 1 1 1 0 -1 0 0 0 0 0 5 2")).isFalse();
        assertThat(ProcessCounters.isCompilerThread("45 (VM Thread) S 1 1 1 0 -1 0 0 0 0 0 5 2")).isFalse();
    }

    @Test
    void addsVoluntaryAndInvoluntarySwitchesOfAStatusFile() {
        assertThat(ProcessCounters.parseContextSwitches("""
                Name:\tjava
                Threads:\t1
                voluntary_ctxt_switches:\t150
                nonvoluntary_ctxt_switches:\t7
                """)).isEqualTo(157);
    }

    @Test
    void splitsThisJvmsCpuTime() {
        ProcessCounters now = ProcessCounters.of(ProcessHandle.current().pid());
        assertThat(now.cpuNanos()).isPositive();
        assertThat(now.compilerCpuNanos()).isNotNegative().isLessThanOrEqualTo(now.cpuNanos());
        assertThat(now.nonCompilerCpuNanos()).isPositive();
        assertThat(now.contextSwitches()).isPositive();
        assertThat(now.minus(now)).isEqualTo(new ProcessCounters(0, 0, 0));
    }
}
