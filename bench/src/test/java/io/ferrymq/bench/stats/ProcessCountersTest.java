package io.ferrymq.bench.stats;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCountersTest {

    @Test
    void readsCallsAndBytesFromAnIoFile() {
        ProcessCounters c = ProcessCounters.parseIo("""
                rchar: 1000
                wchar: 2000
                syscr: 30
                syscw: 40
                read_bytes: 0
                write_bytes: 4096
                cancelled_write_bytes: 0
                """);
        assertThat(c).isEqualTo(new ProcessCounters(30, 40, 1000, 2000, 0));
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
    void countsThisProcessesWrites(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        long pid = ProcessHandle.current().pid();
        ProcessCounters before = ProcessCounters.of(pid);
        Files.write(dir.resolve("f"), new byte[10_000]);
        ProcessCounters spent = ProcessCounters.of(pid).minus(before);
        assertThat(spent.writeCalls()).isPositive();
        assertThat(spent.bytesWritten()).isGreaterThanOrEqualTo(10_000);
        assertThat(spent.contextSwitches()).isNotNegative();
    }
}
