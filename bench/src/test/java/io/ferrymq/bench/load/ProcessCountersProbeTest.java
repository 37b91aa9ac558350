package io.ferrymq.bench.load;

import io.ferrymq.bench.stats.LatencySummary;
import io.ferrymq.bench.stats.ProcessCounters;
import io.ferrymq.bench.stats.ThreadGroupCounters;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCountersProbeTest {

    private final AtomicReference<ProcessCounters> broker = new AtomicReference<>();
    private final AtomicLong ownCpuNanos = new AtomicLong();
    private final List<Progress> passedOn = new ArrayList<>();
    private final ProcessCountersProbe probe = new ProcessCountersProbe(passedOn::add, broker::get, ownCpuNanos::get);

    private void tick(Phase phase, double seconds, long writes, long cpuMillis, long received) {
        // the broker's CPU: 'writes' ms, a quarter of it in its compilers, half in its event loops
        broker.set(new ProcessCounters(writes * 1_000_000, new TreeMap<>(Map.of(
                "C2 CompilerThre", new ThreadGroupCounters(writes * 250_000, writes),
                "ferrymq-io", new ThreadGroupCounters(writes * 500_000, writes * 2),
                "idle", new ThreadGroupCounters(0, 0)))));
        ownCpuNanos.set(cpuMillis * 1_000_000);
        probe.onProgress(new Progress(phase, seconds, 0, 0, received, received, LatencySummary.EMPTY));
    }

    @Test
    void countsFromTheFirstToTheLastTickOfTheMeasuredWindow() {
        tick(Phase.WARMUP, 1, 100, 100, 1_000);
        tick(Phase.MEASURE, 2, 1_000, 500, 2_000);   // start
        tick(Phase.MEASURE, 3, 3_000, 1_000, 7_000);
        tick(Phase.MEASURE, 4, 6_000, 1_500, 12_000); // end: 2 s, 10,000 messages, 5 s of broker CPU, 1 s own
        tick(Phase.DRAIN, 5, 90_000, 9_000, 12_500);

        ProcessCountersProbe.Counts n = probe.result().orElseThrow();
        assertThat(n.messages()).isEqualTo(10_000);
        assertThat(n.brokerNonCompilerMicrosPerMessage()).isEqualTo(375.0);
        assertThat(n.brokerCompilerShare()).isEqualTo(0.25);
        assertThat(n.brokerContextSwitchesPerMessage()).isEqualTo(1.5);
        assertThat(n.brokerPerMessageByGroup()).containsExactly(
                Map.entry("C2 CompilerThre", new ProcessCountersProbe.Counts.PerMessage(125.0, 0.5)),
                Map.entry("ferrymq-io", new ProcessCountersProbe.Counts.PerMessage(250.0, 1.0)));
        assertThat(n.loadGeneratorMicrosPerMessage()).isEqualTo(100.0);
        assertThat(n.loadGeneratorCores()).isEqualTo(0.5);
        assertThat(passedOn).hasSize(5);
    }

    @Test
    void aWindowWithOneTickHasNoFigure() {
        tick(Phase.MEASURE, 1, 10, 10, 10);
        tick(Phase.DRAIN, 2, 20, 20, 20);
        assertThat(probe.result()).isEmpty();
    }
}
