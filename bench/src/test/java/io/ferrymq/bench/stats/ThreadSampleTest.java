package io.ferrymq.bench.stats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThreadSampleTest {

    private static final String STATUS = """
            Name:\tferrymq-io-3-1
            State:\tS (sleeping)
            voluntary_ctxt_switches:\t1200
            nonvoluntary_ctxt_switches:\t34
            """;

    @Test
    void readsNameCpuAndSwitchesFromTheStatAndStatusFiles() {
        // a name with a space and a parenthesis: the stat line's fields are counted from the last ')'
        String stat = "4243 (io (x) 3-1) S 1 4242 4242 0 -1 4194560 12345 0 0 0 250 75 0 0 20 0 42 0 1000 "
                + "4000000000 70000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

        assertThat(ThreadSample.parse(stat, STATUS)).isEqualTo(new ThreadSample("io (x) 3-1", 3_250_000_000L, 1234));
    }

    @Test
    void addsVoluntaryAndInvoluntarySwitchesOfAStatusFile() {
        assertThat(ThreadSample.parseContextSwitches(STATUS)).isEqualTo(1234);
        assertThatThrownBy(() -> ThreadSample.parseContextSwitches("Name:\tjava\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void groupsThreadsByTheirNameWithoutTheTrailingNumber() {
        assertThat(sample("ferrymq-io-3-1").group()).isEqualTo("ferrymq-io");
        assertThat(sample("ferrymq-worker-").group()).isEqualTo("ferrymq-worker");
        assertThat(sample("GC Thread#3").group()).isEqualTo("GC Thread");
        assertThat(sample("C2 CompilerThre").group()).isEqualTo("C2 CompilerThre");
        assertThat(sample("42").group()).isEqualTo("42");
    }

    private static ThreadSample sample(String name) {
        return new ThreadSample(name, 0, 0);
    }
}
