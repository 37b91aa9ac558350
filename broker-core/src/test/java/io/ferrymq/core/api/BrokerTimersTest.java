package io.ferrymq.core.api;

import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Protocol modules' timers run once, when their delay is up by the broker's clock, unless cancelled. */
class BrokerTimersTest {

    private final TestBroker tb = TestBroker.start();

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void aTimerRunsOnceWhenItsDelayIsUp() {
        AtomicInteger runs = new AtomicInteger();
        tb.broker().timers().schedule(runs::incrementAndGet, 1_000);

        tb.advance(999);
        assertThat(runs).hasValue(0);
        tb.advance(1);
        assertThat(runs).hasValue(1);
        tb.advance(5_000);
        assertThat(runs).hasValue(1);
    }

    @Test
    void aCancelledTimerNeverRuns() {
        AtomicInteger runs = new AtomicInteger();
        Timers.Timer t = tb.broker().timers().schedule(runs::incrementAndGet, 1_000);

        t.cancel();
        tb.advance(2_000);

        assertThat(runs).hasValue(0);
        Timers.Timer.NONE.cancel();
    }
}
