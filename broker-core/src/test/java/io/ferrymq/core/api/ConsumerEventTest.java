package io.ferrymq.core.api;

import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Broker#onConsumerEvent} tells of each consumer of a client's session when it attaches and once when it
 * leaves, however it leaves: closed, its session ended, or its queue deleted.
 */
class ConsumerEventTest {

    @Test
    void aQueueConsumerIsToldOfWhenItAttachesAndWhenItCloses() {
        try (TestBroker tb = TestBroker.start()) {
            List<ConsumerEvent> events = new CopyOnWriteArrayList<>();
            tb.broker().onConsumerEvent(events::add);
            Session s = tb.session(new RecordingSink());
            s.admin().declareQueue(QueueDeclaration.durable("q")).join();

            Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.kind()).isEqualTo(ConsumerEvent.Kind.ATTACHED);
                assertThat(e.vhost()).isEqualTo("/");
                assertThat(e.queue()).isEqualTo("q");
                assertThat(e.topic()).isFalse();
                assertThat(e.client().connectionId()).isEqualTo(s.connectionId());
            });

            sub.close().join();
            assertThat(events).hasSize(2);
            assertThat(events.get(1).kind()).isEqualTo(ConsumerEvent.Kind.GONE);
            assertThat(events.get(1).key()).isEqualTo(events.get(0).key());
            s.close();
            assertThat(events).as("told gone once").hasSize(2);
        }
    }

    @Test
    void aTopicSubscriptionIsToldOfWithItsExchangeAndPatternAndGoesWithItsSession() {
        try (TestBroker tb = TestBroker.start()) {
            List<ConsumerEvent> events = new CopyOnWriteArrayList<>();
            tb.broker().onConsumerEvent(events::add);
            Session s = tb.session(new RecordingSink());

            s.consume(Source.topic(TopicSubscription.temporary("amq.topic", "prices.#")), ConsumeOptions.credit(1)).join();
            s.consume(Source.topic(TopicSubscription.temporary("amq.topic", "news")), ConsumeOptions.credit(1)).join();
            assertThat(events).extracting(ConsumerEvent::pattern).containsExactly("prices.#", "news");
            assertThat(events).allSatisfy(e -> assertThat(e.exchange()).isEqualTo("amq.topic"));
            assertThat(events.get(0).key()).isNotEqualTo(events.get(1).key());

            s.closeAsync().join();
            assertThat(events.subList(2, events.size())).hasSize(2)
                    .allSatisfy(e -> assertThat(e.kind()).isEqualTo(ConsumerEvent.Kind.GONE));
        }
    }

    @Test
    void aConsumerWhoseQueueIsDeletedIsToldGone() {
        try (TestBroker tb = TestBroker.start()) {
            List<ConsumerEvent> events = new CopyOnWriteArrayList<>();
            tb.broker().onConsumerEvent(events::add);
            Session s = tb.session(new RecordingSink());
            s.admin().declareQueue(QueueDeclaration.durable("doomed")).join();
            s.consume(Source.queue("doomed"), ConsumeOptions.credit(1)).join();

            s.admin().deleteQueue("doomed", false, false).join();

            assertThat(events).extracting(ConsumerEvent::kind)
                    .containsExactly(ConsumerEvent.Kind.ATTACHED, ConsumerEvent.Kind.GONE);
        }
    }
}
