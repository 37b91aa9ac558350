package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** Accepting a delivery removes the message for good; only outstanding deliveries can be settled. */
class AcknowledgementTest {

    private TestBroker tb;
    private RecordingSink sink;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        sink = new RecordingSink();
        s = tb.session(sink);
        s.send(Route.queue("q"), TestBroker.text("m"), null).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void anAcceptedMessageLeavesTheQueueAndIsNotRedelivered() {
        Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        Delivery d = sink.find("m");
        assertThat(d.needsSettlement()).isTrue();
        assertThat(d.deliveryCount()).isEqualTo(1);

        s.settle(d, Outcome.ACCEPT, null).join();
        sub.close().join();

        QueueStats st = tb.stats("q");
        assertThat(st.total()).isZero();
        assertThat(st.acknowledged()).isEqualTo(1);
        RecordingSink other = new RecordingSink();
        tb.session(other).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        assertThat(other.deliveries()).isEmpty();
    }

    @Test
    void anUnsettledMessageStaysInFlight() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        QueueStats st = tb.stats("q");
        assertThat(st.inFlight()).isEqualTo(1);
        assertThat(st.ready()).isZero();
        assertThat(st.acknowledged()).isZero();
    }

    @Test
    void settlingAnUnknownDeliveryIdFailsNotFound() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        BrokerException e = failsWith(s.settle("q", 9_999, Outcome.ACCEPT), ErrorCode.NOT_FOUND);

        assertThat(e.getMessage()).contains("9999", "'q'");
        assertThat(tb.stats("q").inFlight()).isEqualTo(1);
    }

    @Test
    void settlingTwiceFailsNotFoundTheSecondTime() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        Delivery d = sink.find("m");
        s.settle(d, Outcome.ACCEPT, null).join();

        failsWith(s.settle(d, Outcome.ACCEPT, null), ErrorCode.NOT_FOUND);
        assertThat(tb.stats("q").acknowledged()).isEqualTo(1);
    }

    @Test
    void anotherConnectionCannotSettleAPushDelivery() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        Delivery d = sink.find("m");
        Session intruder = tb.session(new RecordingSink());

        BrokerException e = failsWith(intruder.settle("q", d.deliveryId(), Outcome.ACCEPT), ErrorCode.ILLEGAL_STATE);

        assertThat(e.getMessage()).contains("another connection");
        assertThat(tb.stats("q").inFlight()).isEqualTo(1);
        s.settle(d, Outcome.ACCEPT, null).join();
        assertThat(tb.stats("q").total()).isZero();
    }

    @Test
    void aPulledDeliveryMayBeSettledByAnyConnectionAllowedToConsume() {
        Delivery d = s.pull("q", new PullOptions(1, 0, 30_000, false)).join().get(0);
        Session other = tb.session(new RecordingSink());

        other.settle("q", d.deliveryId(), Outcome.ACCEPT).join();

        assertThat(tb.stats("q").total()).isZero();
    }

    @Test
    void settlingOnAMissingQueueFailsNotFound() {
        failsWith(s.settle("nope", 1, Outcome.ACCEPT), ErrorCode.NOT_FOUND);
    }
}
