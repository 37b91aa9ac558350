package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages that cannot be processed (rejected, or failed too often) move to the dead-letter target with
 * the reason recorded, or are dropped when the queue has none.
 */
class DeadLetteringTest {

    private static TestBroker broker() {
        return TestBroker.builder()
                .policy(AddressPolicy.matching("orders.#").withMaxDeliveries(3)
                        .withDeadLetter(DeadLetterTarget.queue("DLQ")))
                .build();
    }

    private static List<Delivery> drain(TestBroker tb, String queue) {
        RecordingSink sink = new RecordingSink();
        tb.session(sink).consume(Source.queue(queue), ConsumeOptions.credit(100)).join();
        return sink.deliveries();
    }

    @Test
    void aMessageFailedMaxDeliveriesTimesIsDeadLetteredToAnAutoCreatedQueue() {
        try (TestBroker tb = broker()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("orders.new"), TestBroker.message("poison").property("k", "v").build(), null).join();
            s.consume(Source.queue("orders.new"), ConsumeOptions.credit(10)).join();

            for (int attempt = 1; attempt <= 3; attempt++) {
                List<Delivery> got = sink.take();
                assertThat(got).as("attempt %d", attempt).hasSize(1);
                assertThat(got.get(0).deliveryCount()).isEqualTo(attempt);
                s.settle(got.get(0), Outcome.REQUEUE, null).join();
            }

            assertThat(sink.deliveries()).as("no fourth delivery").isEmpty();
            QueueStats st = tb.stats("orders.new");
            assertThat(st.total()).isZero();
            assertThat(st.deadLettered()).isEqualTo(1);
            assertThat(tb.queue("DLQ")).as("auto-created").isNotNull();
            assertThat(tb.queue("DLQ").durable()).isTrue();

            Message dead = drain(tb, "DLQ").get(0).message();
            assertThat(new String(dead.body())).isEqualTo("poison");
            assertThat(dead.property("k")).isEqualTo("v");
            assertThat(dead.property("x-death-reason")).isEqualTo(Queue.REASON_DELIVERY_LIMIT);
            assertThat(dead.property("x-death-queue")).isEqualTo("orders.new");
            assertThat(dead.property("x-first-death-reason")).isEqualTo(Queue.REASON_DELIVERY_LIMIT);
            assertThat(dead.property("x-delivery-count")).isEqualTo(3);
            assertThat(dead.property("x-death-detail")).asString().contains("3");
        }
    }

    @Test
    void releasedDeliveriesDoNotCountTowardTheLimit() {
        try (TestBroker tb = broker()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("orders.new"), TestBroker.text("m"), null).join();
            s.consume(Source.queue("orders.new"), ConsumeOptions.credit(10)).join();

            for (int i = 0; i < 5; i++) {
                s.settle(sink.take().get(0), Outcome.RELEASE, null).join();
            }

            assertThat(sink.deliveries()).hasSize(1);
            assertThat(tb.queue("DLQ")).isNull();
        }
    }

    @Test
    void aRejectedMessageIsDeadLetteredWithTheReasonAndDetail() {
        try (TestBroker tb = broker()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("orders.new"), TestBroker.text("bad"), null).join();
            s.consume(Source.queue("orders.new"), ConsumeOptions.credit(10)).join();

            s.settle(sink.find("bad"), Outcome.reject("cannot parse"), null).join();

            assertThat(sink.deliveries()).hasSize(1);
            Message dead = drain(tb, "DLQ").get(0).message();
            assertThat(dead.property("x-death-reason")).isEqualTo(Queue.REASON_REJECTED);
            assertThat(dead.property("x-death-detail")).isEqualTo("cannot parse");
            assertThat(dead.property("x-death-queue")).isEqualTo("orders.new");
            assertThat(dead.property("x-delivery-count")).isEqualTo(1);
            assertThat(dead.id()).as("a new message").isNotEqualTo(sink.find("bad").message().id());
        }
    }

    @Test
    void withoutADeadLetterTargetARejectedMessageIsDropped() {
        try (TestBroker tb = TestBroker.start()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("plain"), TestBroker.text("bad"), null).join();
            s.consume(Source.queue("plain"), ConsumeOptions.credit(10)).join();

            s.settle(sink.find("bad"), Outcome.reject("no"), null).join();

            QueueStats st = tb.stats("plain");
            assertThat(st.total()).isZero();
            assertThat(st.dropped()).isEqualTo(1);
            assertThat(st.deadLettered()).isZero();
            assertThat(tb.vhost().queues()).extracting(Queue::name).containsExactly("plain");
        }
    }

    @Test
    void withoutADeadLetterTargetMaxDeliveriesDropsTheMessage() {
        try (TestBroker tb = TestBroker.builder().policy(AddressPolicy.matching("#").withMaxDeliveries(1)).build()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("q"), TestBroker.text("m"), null).join();
            s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

            s.settle(sink.take().get(0), Outcome.REQUEUE, null).join();

            assertThat(sink.deliveries()).isEmpty();
            assertThat(tb.stats("q").dropped()).isEqualTo(1);
            assertThat(tb.stats("q").total()).isZero();
        }
    }

    @Test
    void aDeadLetterExchangeRoutesByTheOriginalRoutingKey() {
        try (TestBroker tb = TestBroker.builder()
                .policy(AddressPolicy.matching("orders.#").withDeadLetter(new DeadLetterTarget("dlx", null))).build()) {
            Session s = tb.session(new RecordingSink());
            s.admin().declareExchange(ExchangeDeclaration.durable("dlx", ExchangeType.TOPIC)).join();
            s.admin().declareQueue(QueueDeclaration.durable("dead.eu")).join();
            s.admin().declareQueue(QueueDeclaration.durable("dead.us")).join();
            s.admin().bind(BindingDeclaration.queue("dlx", "dead.eu", "orders.eu")).join();
            s.admin().bind(BindingDeclaration.queue("dlx", "dead.us", "orders.us")).join();
            s.admin().declareQueue(QueueDeclaration.durable("orders.eu")).join();
            s.admin().bind(BindingDeclaration.queue("amq.topic", "orders.eu", "orders.eu")).join();
            RecordingSink sink = new RecordingSink();
            Session c = tb.session(sink);
            c.consume(Source.queue("orders.eu"), ConsumeOptions.credit(10)).join();

            s.send(Route.exchange("amq.topic", "orders.eu"), TestBroker.text("m"), null).join();
            c.settle(sink.find("m"), Outcome.reject("no"), null).join();

            assertThat(tb.stats("dead.eu").ready()).isEqualTo(1);
            assertThat(tb.stats("dead.us").ready()).isZero();
            Message dead = drain(tb, "dead.eu").get(0).message();
            assertThat(dead.property("x-death-exchange")).isEqualTo("amq.topic");
            assertThat(dead.property("x-death-routing-key")).isEqualTo("orders.eu");
        }
    }

    @Test
    void queueArgumentsNameTheDeadLetterExchangeAndKey() {
        try (TestBroker tb = TestBroker.start()) {
            Session s = tb.session(new RecordingSink());
            s.admin().declareExchange(ExchangeDeclaration.durable("dlx", ExchangeType.DIRECT)).join();
            s.admin().declareQueue(QueueDeclaration.durable("parked")).join();
            s.admin().bind(BindingDeclaration.queue("dlx", "parked", "park")).join();
            s.admin().declareQueue(QueueDeclaration.durable("work").withArguments(Map.of(
                    "x-dead-letter-exchange", "dlx", "x-dead-letter-routing-key", "park"))).join();
            RecordingSink sink = new RecordingSink();
            Session c = tb.session(sink);
            c.consume(Source.queue("work"), ConsumeOptions.credit(10)).join();
            s.send(Route.queue("work"), TestBroker.text("m"), null).join();

            c.settle(sink.find("m"), Outcome.reject(null), null).join();

            assertThat(tb.stats("parked").ready()).isEqualTo(1);
            assertThat(drain(tb, "parked").get(0).message().properties()).doesNotContainKey("x-death-detail");
        }
    }

    @Test
    void aDeadLetterTargetThatRoutesNowhereDropsTheMessage() {
        try (TestBroker tb = TestBroker.builder()
                .policy(AddressPolicy.matching("#").withDeadLetter(new DeadLetterTarget("void", "k"))).build()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.admin().declareExchange(ExchangeDeclaration.durable("void", ExchangeType.DIRECT)).join();
            s.send(Route.queue("q"), TestBroker.text("m"), null).join();
            s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

            s.settle(sink.find("m"), Outcome.reject("x"), null).join();

            assertThat(tb.stats("q").total()).isZero();
        }
    }

    @Test
    void aMessageDeadLetteredTwiceKeepsItsFirstDeathAndRecordsTheLatest() {
        try (TestBroker tb = TestBroker.builder()
                .policy(AddressPolicy.matching("a").withDeadLetter(DeadLetterTarget.queue("b")))
                .policy(AddressPolicy.matching("b").withDeadLetter(DeadLetterTarget.queue("c")))
                .build()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("a"), TestBroker.text("m"), null).join();
            s.consume(Source.queue("a"), ConsumeOptions.credit(1)).join();
            s.settle(sink.take().get(0), Outcome.reject("first"), null).join();
            s.consume(Source.queue("b"), ConsumeOptions.credit(1)).join();
            s.settle(sink.take().get(0), Outcome.reject("second"), null).join();

            Message dead = drain(tb, "c").get(0).message();
            assertThat(dead.property("x-death-queue")).isEqualTo("b");
            assertThat(dead.property("x-death-detail")).isEqualTo("second");
            assertThat(dead.property("x-first-death-queue")).isEqualTo("a");
            assertThat(dead.property("x-first-death-reason")).isEqualTo(Queue.REASON_REJECTED);
        }
    }
}
