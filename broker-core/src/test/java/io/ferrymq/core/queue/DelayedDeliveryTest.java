package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A message with a delivery time in the future waits, scheduled, until that time. */
class DelayedDeliveryTest {

    private TestBroker tb;
    private RecordingSink sink;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        sink = new RecordingSink();
        s = tb.session(sink);
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    private void sendDelayed(String body, long delay) {
        s.send(Route.queue("q"), TestBroker.message(body).deliveryTime(tb.clock().millis() + delay).build(), null)
                .join();
    }

    @Test
    void aDelayedMessageIsDeliveredOnlyOnceItsTimeComes() {
        sendDelayed("later", 5_000);
        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        assertThat(tb.stats("q").scheduled()).isEqualTo(1);
        assertThat(tb.stats("q").ready()).isZero();

        tb.advance(4_999);
        assertThat(sink.deliveries()).isEmpty();

        tb.advance(1);
        assertThat(sink.bodies()).containsExactly("later");
        assertThat(tb.stats("q").scheduled()).isZero();
    }

    @Test
    void aDelayedMessageDoesNotHoldBackLaterImmediateOnes() {
        sendDelayed("later", 5_000);
        s.send(Route.queue("q"), TestBroker.text("now"), null).join();

        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        assertThat(sink.bodies()).containsExactly("now");
    }

    @Test
    void aWaitingConsumerGetsDelayedMessagesInTimeOrderNotSendOrder() {
        sendDelayed("second", 2_000);
        sendDelayed("first", 1_000);
        sendDelayed("third", 3_000);
        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        tb.advance(1_000);
        assertThat(sink.bodies()).containsExactly("first");
        tb.advance(2_000);

        assertThat(sink.bodies()).containsExactly("first", "second", "third");
    }

    @Test
    void dueMessagesTakeTheirArrivalPlaceInTheBacklog() {
        s.send(Route.queue("q"), TestBroker.text("before"), null).join();
        sendDelayed("delayed", 1_000);
        s.send(Route.queue("q"), TestBroker.text("after"), null).join();

        tb.advance(1_000);
        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        assertThat(sink.bodies()).containsExactly("before", "delayed", "after");
    }

    @Test
    void aDelayedMessageWaitsForAConsumerOnceDue() {
        sendDelayed("m", 1_000);

        tb.advance(1_000);
        assertThat(tb.stats("q").ready()).isEqualTo(1);

        s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
        assertThat(sink.bodies()).containsExactly("m");
    }

    @Test
    void aDeliveryTimeInThePastMeansAtOnce() {
        s.send(Route.queue("q"), TestBroker.message("m").deliveryTime(tb.clock().millis() - 1).build(), null).join();

        s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();

        assertThat(sink.bodies()).containsExactly("m");
    }
}
