package io.ferrymq.bench.sqs;

import io.ferrymq.bench.stats.Integrity;
import io.ferrymq.bench.stats.LatencySummary;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SqsCountsTest {

    @Test
    void minusGivesTheIntervalOfEveryCounter() {
        SqsCounts start = new SqsCounts(100, 1, 10, 90, 20, 5, 80, 2, 9, 1);
        SqsCounts end = new SqsCounts(1100, 3, 110, 1090, 160, 15, 1070, 2, 110, 4);
        assertThat(end.minus(start)).isEqualTo(new SqsCounts(1000, 2, 100, 1000, 140, 10, 990, 0, 101, 3));
        assertThat(end.minus(end)).isEqualTo(SqsCounts.ZERO);
    }

    @Test
    void messagesPerRequestIgnoreEmptyReceives() {
        SqsCounts c = new SqsCounts(995, 5, 100, 800, 120, 20, 800, 0, 100, 0);
        assertThat(c.sentPerRequest()).isCloseTo(9.95, within(1e-9));
        assertThat(c.receivedPerRequest()).isCloseTo(8.0, within(1e-9));
        assertThat(SqsCounts.ZERO.sentPerRequest()).isZero();
        assertThat(new SqsCounts(0, 0, 0, 0, 7, 7, 0, 0, 0, 0).receivedPerRequest()).isZero();
    }

    @Test
    void ratesAreWindowCountsOverTheMeasuredSeconds() {
        SqsSpec spec = SqsSpec.defaults();
        SqsCounts window = new SqsCounts(20_000, 0, 2_000, 19_000, 2_100, 100, 18_000, 0, 1_900, 0);
        SqsResult r = new SqsResult(spec, "abc", "http://q", 2.0, window, window, LatencySummary.EMPTY,
                LatencySummary.EMPTY, LatencySummary.EMPTY, LatencySummary.EMPTY, Integrity.NONE, 0, -1, 0, List.of());
        assertThat(r.sent().msgsPerSec()).isEqualTo(10_000);
        assertThat(r.sent().mbPerSec()).isCloseTo(10.24, within(1e-9));
        assertThat(r.received().msgsPerSec()).isEqualTo(9_500);
        assertThat(r.deleted().msgsPerSec()).isEqualTo(9_000);
        assertThat(r.requestsPerSec()).isEqualTo((2_000 + 2_100 + 1_900) / 2.0);
        SqsResult none = new SqsResult(spec, "abc", "http://q", 0, window, window,
                LatencySummary.EMPTY, LatencySummary.EMPTY, LatencySummary.EMPTY, LatencySummary.EMPTY, Integrity.NONE,
                0, -1, 0, List.of());
        assertThat(none.requestsPerSec()).isZero();
        assertThat(none.brokerCpuMicrosPerMessage()).isEqualTo(-1);
        assertThat(none.sent().msgsPerSec()).isZero();
    }
}
