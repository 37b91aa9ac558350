package io.ferrymq.bench.load;

import io.ferrymq.bench.stats.LatencySummary;
import io.ferrymq.bench.stats.SocketCounters;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class SocketCountersProbeTest {

    private final AtomicReference<Optional<SocketCounters>> sockets = new AtomicReference<>(Optional.empty());
    private final List<Progress> passedOn = new ArrayList<>();
    private final SocketCountersProbe probe = new SocketCountersProbe(passedOn::add, sockets::get);

    private void tick(Phase phase, double seconds, long segmentsOut, long received) {
        // per segment out: 4,000 bytes; in: one segment of 1,100 bytes per message
        sockets.set(Optional.of(new SocketCounters(2, segmentsOut * 4_000, received * 1_100, segmentsOut, received)));
        probe.onProgress(new Progress(phase, seconds, 0, 0, received, received, LatencySummary.EMPTY));
    }

    @Test
    void countsFromTheFirstToTheLastTickOfTheMeasuredWindow() {
        tick(Phase.WARMUP, 1, 10, 1_000);
        tick(Phase.MEASURE, 2, 100, 2_000);    // start
        tick(Phase.MEASURE, 3, 1_100, 7_000);
        tick(Phase.MEASURE, 4, 2_600, 12_000); // end: 10,000 messages, 2,500 segments out
        tick(Phase.DRAIN, 5, 9_000, 12_500);

        SocketCountersProbe.Counts k = probe.result().orElseThrow();
        assertThat(k.messages()).isEqualTo(10_000);
        assertThat(k.perMessage(k.sockets().segmentsOut())).isEqualTo(0.25);
        assertThat(k.perMessage(k.sockets().segmentsIn())).isEqualTo(1.0);
        assertThat(k.perMessage(k.sockets().bytesIn())).isEqualTo(1_100.0);
        assertThat(k.bytesPerSegmentOut()).isEqualTo(4_000.0);
        assertThat(passedOn).hasSize(5);
    }

    @Test
    void noFigureWithoutTwoReadings() {
        probe.onProgress(new Progress(Phase.MEASURE, 1, 0, 0, 10, 10, LatencySummary.EMPTY));
        tick(Phase.MEASURE, 2, 10, 20);
        assertThat(probe.result()).isEmpty();
    }

    @Test
    void readsTheSocketsOfThisMachine() {
        // 'ss' may be missing where the tests run: then there is no reading, and no failure
        assertThat(SocketCounters.ofLocalPort(1)).satisfiesAnyOf(
                r -> assertThat(r).isEmpty(),
                r -> assertThat(r.orElseThrow().connections()).isZero());
    }
}
