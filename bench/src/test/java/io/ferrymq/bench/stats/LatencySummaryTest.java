package io.ferrymq.bench.stats;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

class LatencySummaryTest {

    /** 1 .. 10,000 microseconds, once each: the percentiles are known exactly. */
    private static Histogram uniform() {
        Histogram h = new Histogram(LatencyRecorder.HIGHEST_MICROS, 3);
        for (long v = 1; v <= 10_000; v++) {
            h.recordValue(v);
        }
        return h;
    }

    @Test
    void percentilesOfAKnownDistributionAreWithinTheHistogramsPrecision() {
        LatencySummary s = LatencySummary.of(uniform());
        assertThat(s.count()).isEqualTo(10_000);
        assertThat(s.meanMicros()).isCloseTo(5000.5, withinPercentage(0.1));
        assertThat(s.p50Micros()).isCloseTo(5000L, withinPercentage(0.1));
        assertThat(s.p99Micros()).isCloseTo(9900L, withinPercentage(0.1));
        assertThat(s.p999Micros()).isCloseTo(9990L, withinPercentage(0.1));
        assertThat(s.maxMicros()).isCloseTo(10_000L, withinPercentage(0.1));
    }

    @Test
    void aSingleOutlierMovesOnlyTheTail() {
        Histogram h = new Histogram(LatencyRecorder.HIGHEST_MICROS, 3);
        h.recordValueWithCount(100, 999);
        h.recordValue(50_000);
        LatencySummary s = LatencySummary.of(h);
        assertThat(s.p50Micros()).isEqualTo(100);
        assertThat(s.p99Micros()).isEqualTo(100);
        assertThat(s.p999Micros()).isEqualTo(100);
        assertThat(s.maxMicros()).isCloseTo(50_000L, withinPercentage(0.1));
    }

    @Test
    void anEmptyHistogramSummarisesToZeros() {
        assertThat(LatencySummary.of(new Histogram(3))).isEqualTo(LatencySummary.EMPTY);
    }

    @Test
    void theRecorderConvertsNanosecondsAndKeepsIntervalsAndTotalApart() {
        LatencyRecorder r = new LatencyRecorder();
        r.recordNanos(2_000_000);
        r.recordNanos(4_000_000);
        LatencySummary first = r.takeInterval();
        assertThat(first.count()).isEqualTo(2);
        assertThat(first.maxMicros()).isCloseTo(4000L, withinPercentage(0.1));
        r.recordNanos(1_000);
        assertThat(r.takeInterval().count()).isEqualTo(1);
        LatencySummary total = r.total();
        assertThat(total.count()).isEqualTo(3);
        assertThat(total.p50Micros()).isCloseTo(2000L, withinPercentage(0.1));
    }

    @Test
    void latenciesBeyondAnHourAreClampedNotDropped() {
        LatencyRecorder r = new LatencyRecorder();
        r.recordNanos(Long.MAX_VALUE / 2);
        assertThat(r.total().count()).isEqualTo(1);
    }

    @Test
    void throughputIsMessagesAndPayloadMegabytesPerSecond() {
        Throughput t = Throughput.of(20_000, 1000, 2.0);
        assertThat(t.msgsPerSec()).isEqualTo(10_000.0);
        assertThat(t.mbPerSec()).isEqualTo(10.0);
    }
}
