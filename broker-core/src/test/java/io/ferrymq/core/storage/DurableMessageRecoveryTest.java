package io.ferrymq.core.storage;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durable messages in durable queues survive a restart in order, with their delivery counts, scheduled
 * times, content and dead-letter history.
 */
class DurableMessageRecoveryTest {

    private static RecordingSink drain(TestBroker tb, String queue) {
        RecordingSink sink = new RecordingSink();
        tb.session(sink).consume(Source.queue(queue), ConsumeOptions.credit(100)).join();
        return sink;
    }

    @Test
    void durableMessagesComeBackInOrderWithTheirContent() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        for (int i = 1; i <= 5; i++) {
            s.send(Route.queue("q"), TestBroker.message("m" + i).priority(4).property("n", i)
                    .correlationId("c" + i).build(), null).join();
        }

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            RecordingSink sink = drain(after, "q");

            assertThat(sink.bodies()).containsExactly("m1", "m2", "m3", "m4", "m5");
            assertThat(sink.find("m3").message().property("n")).isEqualTo(3);
            assertThat(sink.find("m3").message().correlationId()).isEqualTo("c3");
            assertThat(sink.find("m1").redelivered()).isFalse();
        }
    }

    @Test
    void priorityOrderIsKeptAfterARestart() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.send(Route.queue("q"), TestBroker.message("low").priority(1).build(), null).join();
        s.send(Route.queue("q"), TestBroker.message("high").priority(8).build(), null).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(drain(after, "q").bodies()).containsExactly("high", "low");
        }
    }

    @Test
    void acknowledgedMessagesDoNotComeBack() {
        TestBroker tb = TestBroker.start();
        RecordingSink sink = new RecordingSink();
        Session s = tb.session(sink);
        s.send(Route.queue("q"), TestBroker.text("done"), null).join();
        s.send(Route.queue("q"), TestBroker.text("pending"), null).join();
        s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
        s.settle(sink.find("done"), Outcome.ACCEPT, null).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(drain(after, "q").bodies()).containsExactly("pending");
        }
    }

    @Test
    void aFailedDeliveryIsCountedAfterARestart() {
        TestBroker tb = TestBroker.start();
        RecordingSink sink = new RecordingSink();
        Session s = tb.session(sink);
        s.send(Route.queue("q"), TestBroker.text("m"), null).join();
        s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
        s.settle(sink.take().get(0), Outcome.REQUEUE, null).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            Delivery d = drain(after, "q").deliveries().get(0);

            assertThat(d.deliveryCount()).isEqualTo(2);
            assertThat(d.redelivered()).isTrue();
        }
    }

    @Test
    void aMessageInFlightAtShutdownComesBackAsARedelivery() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.send(Route.queue("q"), TestBroker.text("m"), null).join();
        s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            Delivery d = drain(after, "q").deliveries().get(0);

            assertThat(d.redelivered()).isTrue();
        }
    }

    @Test
    void theDeliveryLimitStillAppliesAcrossARestart() {
        TestBroker.Builder config = TestBroker.builder().policy(AddressPolicy.matching("q").withMaxDeliveries(2)
                .withDeadLetter(DeadLetterTarget.queue("DLQ")));
        TestBroker tb = config.build();
        RecordingSink sink = new RecordingSink();
        Session s = tb.session(sink);
        s.send(Route.queue("q"), TestBroker.text("m"), null).join();
        s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
        s.settle(sink.take().get(0), Outcome.REQUEUE, null).join();

        try (TestBroker after = tb.restart(TestBroker.builder().policy(AddressPolicy.matching("q")
                .withMaxDeliveries(2).withDeadLetter(DeadLetterTarget.queue("DLQ"))))) {
            RecordingSink second = new RecordingSink();
            Session c = after.session(second);
            c.consume(Source.queue("q"), ConsumeOptions.credit(5)).join();
            c.settle(second.take().get(0), Outcome.REQUEUE, null).join();

            assertThat(second.deliveries()).isEmpty();
            assertThat(after.stats("DLQ").ready()).isEqualTo(1);
        }
    }

    @Test
    void scheduledMessagesStayScheduledAfterARestart() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.send(Route.queue("q"), TestBroker.message("later").deliveryTime(tb.clock().millis() + 60_000).build(), null)
                .join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(after.stats("q").scheduled()).isEqualTo(1);
            RecordingSink sink = drain(after, "q");
            assertThat(sink.deliveries()).isEmpty();

            after.advance(60_000);

            assertThat(sink.bodies()).containsExactly("later");
        }
    }

    @Test
    void aRedeliveryDelayIsKeptAcrossARestart() {
        TestBroker tb = TestBroker.builder().policy(AddressPolicy.matching("q").withRedeliveryDelayMillis(10_000L))
                .build();
        RecordingSink sink = new RecordingSink();
        Session s = tb.session(sink);
        s.send(Route.queue("q"), TestBroker.text("m"), null).join();
        s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
        s.settle(sink.take().get(0), Outcome.REQUEUE, null).join();

        try (TestBroker after = tb.restart(TestBroker.builder().policy(AddressPolicy.matching("q")
                .withRedeliveryDelayMillis(10_000L)))) {
            assertThat(after.stats("q").scheduled()).isEqualTo(1);
            after.advance(10_000);
            assertThat(drain(after, "q").bodies()).containsExactly("m");
        }
    }

    @Test
    void deadLetteredMessagesSurviveInTheirDeadLetterQueue() {
        TestBroker tb = TestBroker.builder().policy(AddressPolicy.matching("q")
                .withDeadLetter(DeadLetterTarget.queue("DLQ"))).build();
        RecordingSink sink = new RecordingSink();
        Session s = tb.session(sink);
        s.send(Route.queue("q"), TestBroker.text("bad"), null).join();
        s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
        s.settle(sink.find("bad"), Outcome.reject("broken"), null).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(after.stats("q").total()).isZero();
            RecordingSink dead = drain(after, "DLQ");
            assertThat(dead.bodies()).containsExactly("bad");
            assertThat(dead.deliveries().get(0).message().properties())
                    .containsEntry("x-death-reason", "rejected")
                    .containsEntry("x-death-detail", "broken")
                    .containsEntry("x-death-queue", "q");
        }
    }

    @Test
    void aMessageRoutedToSeveralQueuesIsStoredOnceAndRecoveredInEach() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.admin().declareQueue(QueueDeclaration.durable("a")).join();
        s.admin().declareQueue(QueueDeclaration.durable("b")).join();
        s.admin().bind(BindingDeclaration.queue("amq.fanout", "a", "")).join();
        s.admin().bind(BindingDeclaration.queue("amq.fanout", "b", "")).join();
        s.send(Route.exchange("amq.fanout", ""), TestBroker.text("shared"), null).join();
        assertThat(((InMemoryStorage) tb.storage()).inspect(DurableImage::messageCount)).isEqualTo(1);

        RecordingSink sink = new RecordingSink();
        tb.session(sink).consume(Source.queue("a"), ConsumeOptions.credit(1).withAutoSettle(true)).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(after.stats("a").total()).isZero();
            assertThat(drain(after, "b").bodies()).containsExactly("shared");
        }
    }

    @Test
    void anAcknowledgedMessageWithAnnotationsLeavesNothingInStorage() {
        TestBroker tb = TestBroker.start();
        RecordingSink sink = new RecordingSink();
        Session s = tb.session(sink);
        s.send(Route.queue("q"), TestBroker.text("m"), null).join();
        s.consume(Source.queue("q"), ConsumeOptions.credit(2)).join();
        s.settle(sink.take().get(0), new Outcome.Modify(true, false, Map.of("note", "retry")), null).join();

        s.settle(sink.take().get(0), Outcome.ACCEPT, null).join();

        assertThat(((InMemoryStorage) tb.storage()).inspect(DurableImage::messageCount)).isZero();
        tb.close();
    }
}
