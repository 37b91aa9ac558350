package io.ferrymq.bench.scenario;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessMemoryTest {

    @Test
    void readsVmRssFromAProcessStatus() {
        String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmRSS:\t  123456 kB\nThreads:\t42\n";
        assertThat(ProcessMemory.parseVmRssKiB(status)).isEqualTo(123456);
    }

    @Test
    void aStatusWithoutVmRssIsAnError() {
        assertThatThrownBy(() -> ProcessMemory.parseVmRssKiB("Name:\tzombie\n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsThisProcesssOwnMemory() throws Exception {
        assertThat(ProcessMemory.rssKiB(ProcessHandle.current().pid())).isPositive();
    }
}
