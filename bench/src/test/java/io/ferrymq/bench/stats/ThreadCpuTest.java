package io.ferrymq.bench.stats;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadCpuTest {

    @Test
    void readsTheCpuTimeOfThisProcessPerThreadGroup() {
        Map<String, Long> mine = ThreadCpu.byGroup(ProcessHandle.current().pid());

        assertThat(mine).isNotEmpty();
        assertThat(mine.values()).allSatisfy(n -> assertThat(n).isNotNegative());
    }
}
