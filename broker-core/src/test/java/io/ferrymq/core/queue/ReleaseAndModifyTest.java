package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Returning a delivery: release does not count as an attempt, a failed modify does (delivery count and
 * redelivered flag); undeliverable-here keeps it from that consumer; annotations are merged.
 */
class ReleaseAndModifyTest {

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
    void releaseReturnsTheMessageWithoutCountingTheAttempt() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(2)).join();

        s.settle(sink.take().get(0), Outcome.RELEASE, null).join();

        Delivery again = sink.take().get(0);
        assertThat(again.deliveryCount()).isEqualTo(1);
        assertThat(again.redelivered()).isFalse();
    }

    @Test
    void aFailedModifyCountsTheAttemptAndFlagsTheRedelivery() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(3)).join();

        s.settle(sink.take().get(0), new Outcome.Modify(true, false, Map.of()), null).join();
        Delivery second = sink.take().get(0);
        s.settle(second, Outcome.REQUEUE, null).join();
        Delivery third = sink.take().get(0);

        assertThat(second.deliveryCount()).isEqualTo(2);
        assertThat(second.redelivered()).isTrue();
        assertThat(third.deliveryCount()).isEqualTo(3);
        assertThat(second.deliveryId()).isNotEqualTo(third.deliveryId());
    }

    @Test
    void aReturnedMessageGoesBackAheadOfLaterOnes() {
        s.send(Route.queue("q"), TestBroker.text("later"), null).join();
        Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();

        s.settle(sink.take().get(0), Outcome.RELEASE, null).join();
        sub.credit(2);

        assertThat(sink.bodies()).containsExactly("m", "later");
    }

    @Test
    void undeliverableHereKeepsTheMessageFromThatConsumer() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(5)).join();

        s.settle(sink.take().get(0), new Outcome.Modify(true, true, Map.of()), null).join();

        assertThat(sink.deliveries()).as("not offered to the consumer that refused it").isEmpty();
        assertThat(tb.stats("q").ready()).isEqualTo(1);
        RecordingSink other = new RecordingSink();
        tb.session(other).consume(Source.queue("q"), ConsumeOptions.credit(5)).join();
        assertThat(other.bodies()).containsExactly("m");
    }

    @Test
    void annotationsAreMergedIntoTheRedeliveredMessage() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(5)).join();

        s.settle(sink.take().get(0), new Outcome.Modify(false, false, Map.of("x-note", "tried")), null).join();

        Delivery again = sink.take().get(0);
        assertThat(again.message().property("x-note")).isEqualTo("tried");
        assertThat(again.message().id()).isPositive();
    }
}
