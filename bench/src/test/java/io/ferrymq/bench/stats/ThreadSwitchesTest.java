package io.ferrymq.bench.stats;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadSwitchesTest {

    @Test
    void countsVoluntaryAndInvoluntarySwitchesOfAStatusFile() {
        String status = "Name:\tferrymq-io-3-1\nState:\tS (sleeping)\nvoluntary_ctxt_switches:\t1200\n"
                + "nonvoluntary_ctxt_switches:\t34\n";

        assertThat(ThreadSwitches.parseSwitches(status)).isEqualTo(1234);
    }

    @Test
    void groupsThreadsByTheirNameWithoutTheTrailingNumber() {
        assertThat(ThreadSwitches.group("ferrymq-io-3-1")).isEqualTo("ferrymq-io");
        assertThat(ThreadSwitches.group("ferrymq-worker-")).isEqualTo("ferrymq-worker");
        assertThat(ThreadSwitches.group("C2 CompilerThre")).isEqualTo("C2 CompilerThre");
    }

    @Test
    void readsTheThreadsOfThisProcess() {
        Map<String, Long> mine = ThreadSwitches.byGroup(ProcessHandle.current().pid());

        assertThat(mine).isNotEmpty();
        assertThat(mine.values()).allSatisfy(n -> assertThat(n).isNotNegative());
    }
}
