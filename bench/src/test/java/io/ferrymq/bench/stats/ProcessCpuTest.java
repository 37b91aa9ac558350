package io.ferrymq.bench.stats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessCpuTest {

    @Test
    void userAndSystemTicksOfAStatLineAreAddedUp() {
        // a command name with a space and a parenthesis: fields are counted from the last ')'
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 12345 0 0 0 250 75 0 0 20 0 42 0 1000 "
                + "4000000000 70000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        assertThat(ProcessCpu.parseStatNanos(stat)).isEqualTo(325 * 10_000_000L); // 3.25 s at 100 ticks/s
    }

    @Test
    void thisProcessHasUsedSomeCpu() {
        assertThat(ProcessCpu.nanos(ProcessHandle.current().pid())).isPositive();
    }

    @Test
    void garbageIsRefused() {
        assertThatThrownBy(() -> ProcessCpu.parseStatNanos("nonsense")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcessCpu.parseStatNanos("1 (a) S 1 2")).isInstanceOf(IllegalArgumentException.class);
    }
}
