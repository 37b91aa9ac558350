package io.ferrymq.bench.load;

import io.ferrymq.bench.stats.LatencySummary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerAllocationProbeTest {

    private final AtomicLong allocated = new AtomicLong();
    private final List<Progress> passedOn = new ArrayList<>();
    private final BrokerAllocationProbe probe = new BrokerAllocationProbe(passedOn::add, allocated::get);

    private void tick(Phase phase, long bytes, long received) {
        allocated.set(bytes);
        probe.onProgress(new Progress(phase, 0, 0, 0, received, received, LatencySummary.EMPTY));
    }

    @Test
    void dividesTheBytesOfTheMeasuredWindowByItsMessages() {
        tick(Phase.WARMUP, 1_000_000, 1_000);
        tick(Phase.MEASURE, 5_000_000, 2_000);   // start
        tick(Phase.MEASURE, 9_000_000, 4_000);
        tick(Phase.MEASURE, 25_000_000, 12_000); // end: 20 MB for 10,000 messages
        tick(Phase.DRAIN, 90_000_000, 12_500);   // the drain is not the measured window

        BrokerAllocationProbe.BrokerAllocation a = probe.result().orElseThrow();
        assertThat(a.bytes()).isEqualTo(20_000_000);
        assertThat(a.messages()).isEqualTo(10_000);
        assertThat(a.bytesPerMessage()).isEqualTo(2_000.0);
        assertThat(a.from()).isBeforeOrEqualTo(a.to());
        assertThat(passedOn).hasSize(5);
    }

    @Test
    void aWindowWithOneTickHasNoFigure() {
        tick(Phase.MEASURE, 200, 20);
        tick(Phase.DRAIN, 300, 30);
        assertThat(probe.result()).isEmpty();
    }
}
