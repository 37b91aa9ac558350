package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer that goes away returns what it held unsettled, in order, as redeliveries that count
 * toward the queue's max deliveries (it may have crashed on them).
 */
class ConsumerCloseTest {

    @Test
    void unsettledDeliveriesReturnInOrderAsCountedRedeliveries() {
        try (TestBroker tb = TestBroker.start()) {
            RecordingSink first = new RecordingSink();
            Session s = tb.session(first);
            for (int i = 1; i <= 4; i++) {
                s.send(Route.queue("q"), TestBroker.text("m" + i), null).join();
            }
            Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(3)).join();
            s.settle(first.find("m2"), Outcome.ACCEPT, null).join();

            sub.close().join();

            assertThat(tb.stats("q").ready()).isEqualTo(3);
            assertThat(tb.stats("q").inFlight()).isZero();
            RecordingSink second = new RecordingSink();
            tb.session(second).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
            assertThat(second.bodies()).containsExactly("m1", "m3", "m4");
            assertThat(second.find("m1").redelivered()).isTrue();
            assertThat(second.find("m1").deliveryCount()).isEqualTo(2);
            assertThat(second.find("m4").redelivered()).isFalse();
        }
    }

    @Test
    void closingTheSessionClosesItsConsumers() {
        try (TestBroker tb = TestBroker.start()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("q"), TestBroker.text("m"), null).join();
            s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();

            s.close();

            QueueStats st = tb.stats("q");
            assertThat(st.consumers()).isZero();
            assertThat(st.ready()).isEqualTo(1);
        }
    }

    @Test
    void autoSettledDeliveriesDoNotReturn() {
        try (TestBroker tb = TestBroker.start()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("q"), TestBroker.text("m"), null).join();
            Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(1).withAutoSettle(true)).join();
            assertThat(sink.deliveries().get(0).needsSettlement()).isFalse();

            sub.close().join();

            assertThat(tb.stats("q").total()).isZero();
            assertThat(tb.stats("q").acknowledged()).isEqualTo(1);
        }
    }

    @Test
    void aReturnPastMaxDeliveriesDeadLetters() {
        try (TestBroker tb = TestBroker.builder().policy(AddressPolicy.matching("#").withMaxDeliveries(1)
                .withDeadLetter(DeadLetterTarget.queue("DLQ"))).build()) {
            Session s = tb.session(new RecordingSink());
            s.send(Route.queue("q"), TestBroker.text("m"), null).join();
            Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();

            sub.close().join();

            assertThat(tb.stats("q").total()).isZero();
            assertThat(tb.stats("DLQ").ready()).isEqualTo(1);
        }
    }

    @Test
    void aClosedSubscriptionGetsNoMoreDeliveries() {
        try (TestBroker tb = TestBroker.start()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.admin().declareQueue(QueueDeclaration.durable("q")).join();
            Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(5)).join();

            sub.close().join();
            sub.credit(5);
            s.send(Route.queue("q"), TestBroker.text("m"), null).join();

            assertThat(sink.deliveries()).isEmpty();
        }
    }
}
