package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Broker.onMessageEvent} tells of messages that expire or are dead-lettered in any queue, with the message
 * as it was in the queue, and no longer once the listener is removed.
 */
class MessageEventTest {

    private static TestBroker broker() {
        return TestBroker.builder()
                .policy(AddressPolicy.matching("#").withMaxDeliveries(2).withDeadLetter(DeadLetterTarget.queue("DLQ")))
                .build();
    }

    @Test
    void anExpiredMessageIsToldOfWithItsQueueAndProperties() {
        try (TestBroker tb = broker()) {
            List<MessageEvent> events = new CopyOnWriteArrayList<>();
            tb.broker().onMessageEvent(events::add);
            Session s = tb.session(new RecordingSink());
            s.send(Route.queue("q"), TestBroker.message("old").property("k", "v")
                    .expiration(tb.clock().millis() + 1_000).build(), null).join();

            tb.advance(2_000);
            s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.kind()).isEqualTo(MessageEvent.Kind.EXPIRED);
                assertThat(e.vhost()).isEqualTo("/");
                assertThat(e.queue()).isEqualTo("q");
                assertThat(e.reason()).isEqualTo(Queue.REASON_EXPIRED);
                assertThat(new String(e.message().body())).isEqualTo("old");
                assertThat(e.message().property("k")).isEqualTo("v");
                assertThat(e.message().properties()).doesNotContainKey("x-death-reason");
            });
        }
    }

    @Test
    void aMessagePastItsDeliveryLimitIsToldOfWhenItMovesToTheDeadLetterQueue() {
        try (TestBroker tb = broker()) {
            List<MessageEvent> events = new CopyOnWriteArrayList<>();
            tb.broker().onMessageEvent(events::add);
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("q"), TestBroker.text("poison"), null).join();
            s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

            s.settle(sink.take().get(0), Outcome.REQUEUE, null).join();
            assertThat(events).as("one failure of two allowed").isEmpty();
            s.settle(sink.take().get(0), Outcome.REQUEUE, null).join();

            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.kind()).isEqualTo(MessageEvent.Kind.DEAD_LETTERED);
                assertThat(e.queue()).isEqualTo("q");
                assertThat(e.reason()).isEqualTo(Queue.REASON_DELIVERY_LIMIT);
                assertThat(new String(e.message().body())).isEqualTo("poison");
            });
            assertThat(tb.stats("DLQ").ready()).isEqualTo(1);
        }
    }

    @Test
    void aDeliveryTheConsumerFoundExpiredIsAnExpiryNotADeadLetter() {
        try (TestBroker tb = broker()) {
            List<MessageEvent> events = new CopyOnWriteArrayList<>();
            tb.broker().onMessageEvent(events::add);
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("q"), TestBroker.text("late"), null).join();
            s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

            s.settle(sink.take().get(0), Outcome.EXPIRE, null).join();

            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.kind()).isEqualTo(MessageEvent.Kind.EXPIRED);
                assertThat(e.reason()).isEqualTo(Queue.REASON_EXPIRED);
            });
            // The single event is the expiry: nothing was dead-lettered (no expiry target is configured).
            assertThat(tb.stats("q").ready()).isZero();
        }
    }

    @Test
    void aRemovedListenerHearsNoMore() {
        try (TestBroker tb = broker()) {
            List<MessageEvent> events = new CopyOnWriteArrayList<>();
            Runnable stop = tb.broker().onMessageEvent(events::add);
            stop.run();
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("q"), TestBroker.text("m"), null).join();
            s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
            s.settle(sink.take().get(0), Outcome.reject("no"), null).join();

            assertThat(tb.stats("DLQ").ready()).isEqualTo(1);
            assertThat(events).isEmpty();
        }
    }
}
