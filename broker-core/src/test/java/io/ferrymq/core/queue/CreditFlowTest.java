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

/** A push consumer never gets more deliveries than the credit it was granted. */
class CreditFlowTest {

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

    private void send(String... bodies) {
        for (String b : bodies) {
            s.send(Route.queue("q"), TestBroker.text(b), null).join();
        }
    }

    @Test
    void noDeliveryBeyondCredit() {
        send("1", "2", "3", "4", "5");

        s.consume(Source.queue("q"), ConsumeOptions.credit(2)).join();

        assertThat(sink.bodies()).containsExactly("1", "2");
        QueueStats st = tb.stats("q");
        assertThat(st.ready()).isEqualTo(3);
        assertThat(st.inFlight()).isEqualTo(2);
    }

    @Test
    void moreCreditResumesDeliveryInOrder() {
        send("1", "2", "3", "4", "5");
        Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(2)).join();

        sub.credit(2);
        assertThat(sink.bodies()).containsExactly("1", "2", "3", "4");

        sub.credit(10);
        assertThat(sink.bodies()).containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void zeroCreditDeliversNothingUntilCreditArrives() {
        send("1");
        Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(0)).join();
        assertThat(sink.deliveries()).isEmpty();

        sub.credit(1);

        assertThat(sink.bodies()).containsExactly("1");
    }

    @Test
    void settlingDoesNotGrantCredit() {
        send("1", "2");
        s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();

        s.settle(sink.find("1"), Outcome.ACCEPT, null).join();

        assertThat(sink.bodies()).containsExactly("1");
        assertThat(tb.stats("q").ready()).isEqualTo(1);
    }

    @Test
    void creditGrantedAheadIsUsedByMessagesArrivingLater() {
        s.send(Route.queue("q"), TestBroker.text("0"), null).join();
        s.consume(Source.queue("q"), ConsumeOptions.credit(3)).join();

        send("1", "2", "3");

        assertThat(sink.bodies()).containsExactly("0", "1", "2");
        assertThat(tb.stats("q").ready()).isEqualTo(1);
    }

    @Test
    void eachBatchOfDeliveriesEndsWithAFlush() {
        send("1", "2");

        s.consume(Source.queue("q"), ConsumeOptions.credit(5)).join();

        assertThat(sink.flushes()).isPositive();
    }
}
