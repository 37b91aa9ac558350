package io.ferrymq.bench.load;

import io.ferrymq.bench.stats.LatencySummary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerCpuProbeTest {

    private final AtomicLong cpuNanos = new AtomicLong();
    private final List<Progress> passedOn = new ArrayList<>();
    private final BrokerCpuProbe probe = new BrokerCpuProbe(passedOn::add, cpuNanos::get);

    private void tick(Phase phase, long cpuMillis, long received) {
        cpuNanos.set(cpuMillis * 1_000_000);
        probe.onProgress(new Progress(phase, 0, 0, 0, received, received, LatencySummary.EMPTY));
    }

    @Test
    void measuresFromTheFirstToTheLastTickOfTheMeasuredWindow() {
        tick(Phase.WARMUP, 500, 1_000);
        tick(Phase.MEASURE, 800, 2_000);   // start: 0.8 s, 2,000 received
        tick(Phase.MEASURE, 1_300, 7_000);
        tick(Phase.MEASURE, 1_800, 12_000); // end: 1.0 s later, 10,000 more
        tick(Phase.DRAIN, 9_000, 12_500);   // the drain is not the measured window

        BrokerCpuProbe.BrokerCpu cpu = probe.result().orElseThrow();
        assertThat(cpu.cpuSeconds()).isEqualTo(1.0);
        assertThat(cpu.messages()).isEqualTo(10_000);
        assertThat(cpu.microsPerMessage()).isEqualTo(100.0);
        assertThat(passedOn).hasSize(5);
    }

    @Test
    void aWindowWithOneTickHasNoFigure() {
        tick(Phase.WARMUP, 100, 10);
        tick(Phase.MEASURE, 200, 20);
        tick(Phase.DRAIN, 300, 30);
        assertThat(probe.result()).isEmpty();
    }
}
