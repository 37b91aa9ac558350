package io.ferrymq.core.api;

import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.PullOptions;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** A closed session refuses further work and gives back what it held. */
class SessionCloseTest {

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s = tb.session(new RecordingSink());
        s.send(Route.queue("q"), TestBroker.text("m"), null).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void aClosedSessionRefusesOperations() {
        s.close();

        assertThat(s.isClosed()).isTrue();
        failsWith(s.send(Route.queue("q"), TestBroker.text("m"), null), ErrorCode.ILLEGAL_STATE);
        failsWith(s.consume(Source.queue("q"), ConsumeOptions.credit(1)), ErrorCode.ILLEGAL_STATE);
        failsWith(s.pull("q", new PullOptions(1, 0, 1_000, false)), ErrorCode.ILLEGAL_STATE);
        failsWith(s.admin().purgeQueue("q"), ErrorCode.ILLEGAL_STATE);
        assertThat(tb.stats("q").ready()).isEqualTo(1);
    }

    @Test
    void theBrokerForgetsAClosedSession() {
        int before = tb.broker().sessionCount();

        s.close();

        assertThat(tb.broker().sessionCount()).isEqualTo(before - 1);
    }

    @Test
    void closingTwiceIsHarmless() {
        s.close();
        s.close();

        assertThat(s.isClosed()).isTrue();
    }

    @Test
    void anUnsettledPullWithoutALeaseReturnsWhenItsSessionCloses() {
        s.pull("q", new PullOptions(1, 0, -1, false)).join();
        assertThat(tb.stats("q").inFlight()).isEqualTo(1);

        s.close();

        assertThat(tb.stats("q").ready()).isEqualTo(1);
        assertThat(tb.stats("q").inFlight()).isZero();
    }
}
