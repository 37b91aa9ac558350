package io.ferrymq.bench.load;

import io.ferrymq.bench.driver.AckMode;
import io.ferrymq.bench.driver.DestinationKind;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.Protocol;
import io.ferrymq.bench.stats.Integrity;
import io.ferrymq.bench.testing.LoopbackDriver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LoadRunnerTest {

    private static LoadSpec spec(int producers, int consumers, int destinations, DestinationKind kind) {
        return new LoadSpec(Protocol.STOMP, producers, consumers, destinations, kind, "t", 100, false, AckMode.AUTO,
                1, 0, 10, 20_000, Duration.ZERO, Duration.ofMillis(300), Duration.ofMillis(500));
    }

    private static RunResult run(LoopbackDriver driver, LoadSpec spec) throws Exception {
        return new LoadRunner(driver, new DriverErrors(), spec, 100).run(ProgressListener.NONE);
    }

    @Test
    void everyMessageSentToAQueueIsCountedOnceWhenNothingIsLost() throws Exception {
        RunResult r = run(new LoopbackDriver(), spec(2, 3, 1, DestinationKind.QUEUE));
        Integrity i = r.integrity();
        assertThat(i.expected()).isPositive();
        assertThat(i.delivered()).isEqualTo(i.expected());
        assertThat(i.clean()).isTrue();
        assertThat(i.outOfOrder()).isZero();
        assertThat(r.received().messages()).isEqualTo(r.sent().messages());
        assertThat(r.confirmed()).isEqualTo(i.expected());
        assertThat(r.latency().count()).isEqualTo(r.received().messages());
    }

    @Test
    void throughputCountsOnlyTheMeasuredWindowWhileIntegrityCoversWarmUpToo() throws Exception {
        LoadSpec withWarmup = new LoadSpec(Protocol.STOMP, 1, 1, 1, DestinationKind.QUEUE, "t", 100, false,
                AckMode.AUTO, 1, 0, 10, 5_000, Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofSeconds(5));
        RunResult r = run(new LoopbackDriver(), withWarmup);
        assertThat(r.sent().messages()).isPositive().isLessThan(r.integrity().expected());
        assertThat(r.sent().mbPerSec()).isCloseTo(r.sent().msgsPerSec() * 100 / 1e6, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void messagesTheBrokerDropsAreReportedLost() throws Exception {
        LoopbackDriver driver = new LoopbackDriver().dropEvery(10);
        RunResult r = run(driver, spec(2, 2, 2, DestinationKind.QUEUE));
        assertThat(driver.dropped()).isPositive();
        assertThat(r.integrity().lost()).isEqualTo(driver.dropped());
        assertThat(r.integrity().duplicated()).isZero();
        assertThat(r.integrity().clean()).isFalse();
    }

    @Test
    void messagesDeliveredTwiceAreReportedDuplicated() throws Exception {
        LoopbackDriver driver = new LoopbackDriver().duplicateEvery(7);
        RunResult r = run(driver, spec(1, 2, 1, DestinationKind.QUEUE));
        assertThat(driver.duplicated()).isPositive();
        assertThat(r.integrity().duplicated()).isEqualTo(driver.duplicated());
        assertThat(r.integrity().lost()).isZero();
        assertThat(r.integrity().delivered()).isEqualTo(r.integrity().expected() + driver.duplicated());
    }

    @Test
    void aTopicExpectsEveryMessageOncePerSubscriber() throws Exception {
        LoopbackDriver driver = new LoopbackDriver().duplicateEvery(5);
        RunResult r = run(driver, spec(1, 3, 1, DestinationKind.TOPIC));
        long sent = r.integrity().expected() / 3;
        assertThat(r.integrity().expected()).isEqualTo(sent * 3);
        assertThat(r.integrity().lost()).isZero();
        assertThat(r.integrity().duplicated()).isEqualTo(driver.duplicated());
    }

    @Test
    void progressIsReportedDuringTheRun() throws Exception {
        List<Progress> seen = new ArrayList<>();
        new LoadRunner(new LoopbackDriver(), new DriverErrors(), spec(1, 1, 1, DestinationKind.QUEUE), 50)
                .run(seen::add);
        assertThat(seen).isNotEmpty();
        assertThat(seen).extracting(Progress::phase).contains(Phase.MEASURE);
        assertThat(seen.get(seen.size() - 1).totalSent()).isPositive();
    }

    @Test
    void sendsNeverConfirmedAreReportedAndDoNotHangTheRun() throws Exception {
        LoadSpec spec = new LoadSpec(Protocol.STOMP, 1, 1, 1, DestinationKind.QUEUE, "t", 10, false, AckMode.AUTO, 1, 0,
                5, 0, Duration.ZERO, Duration.ofMillis(200), Duration.ofMillis(200));
        RunResult r = run(new LoopbackDriver().neverConfirm(), spec);
        assertThat(r.unconfirmed()).isEqualTo(5);
        assertThat(r.integrity().expected()).isEqualTo(5);
        assertThat(r.integrity().clean()).isTrue();
    }
}
