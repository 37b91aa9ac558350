package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settling a range of deliveries at once: each queue's share in one call, with the effect of settling each. */
class SettleAllTest {

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

    private void send(String queue, String... bodies) {
        for (String b : bodies) {
            s.send(Route.queue(queue), TestBroker.text(b), null).join();
        }
    }

    @Test
    void acceptingARangeAcknowledgesEveryDeliveryInIt() {
        send("q", "1", "2", "3", "4");
        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        List<Delivery> first3 = List.of(sink.find("1"), sink.find("2"), sink.find("3"));

        s.settleAll(first3, Outcome.ACCEPT).join();

        assertThat(tb.stats("q").acknowledged()).isEqualTo(3);
        assertThat(tb.stats("q").inFlight()).isEqualTo(1);
    }

    @Test
    void deliveriesOfSeveralQueuesAreEachSettledInTheirOwn() {
        send("a", "a1", "a2");
        send("b", "b1");
        s.consume(Source.queue("a"), ConsumeOptions.credit(10)).join();
        s.consume(Source.queue("b"), ConsumeOptions.credit(10)).join();

        s.settleAll(List.of(sink.find("a1"), sink.find("b1"), sink.find("a2")), Outcome.ACCEPT).join();

        assertThat(tb.stats("a").acknowledged()).isEqualTo(2);
        assertThat(tb.stats("b").acknowledged()).isEqualTo(1);
        assertThat(tb.stats("a").inFlight()).isZero();
        assertThat(tb.stats("b").inFlight()).isZero();
    }

    @Test
    void releasingARangePutsItBackForTheNextConsumer() {
        send("q", "1", "2");
        s.consume(Source.queue("q"), ConsumeOptions.credit(2)).join();
        List<Delivery> both = new ArrayList<>(sink.take());

        s.settleAll(both, Outcome.RELEASE).join();

        assertThat(tb.stats("q").inFlight()).isZero();
        assertThat(tb.stats("q").ready()).isEqualTo(2);
        assertThat(tb.stats("q").acknowledged()).isZero();
    }

    @Test
    void anAlreadySettledDeliveryFailsTheCallButNotTheOthers() {
        send("q", "1", "2");
        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        Delivery one = sink.find("1");
        Delivery two = sink.find("2");
        s.settle(one, Outcome.ACCEPT, null).join();

        assertThatThrownBy(() -> s.settleAll(List.of(one, two), Outcome.ACCEPT).join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(BrokerException.class);

        assertThat(tb.stats("q").acknowledged()).isEqualTo(2);
        assertThat(tb.stats("q").inFlight()).isZero();
    }
}
