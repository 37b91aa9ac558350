package io.ferrymq.core.api;

import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Topic subscriptions: a temporary one is a private queue that goes with its consumer; a durable one keeps
 * collecting while detached, and re-attaching with another pattern or filter re-binds it.
 */
class TopicSubscriptionTest {

    private TestBroker tb;
    private Session publisher;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        publisher = tb.session(new RecordingSink());
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    private void publish(String key, String body) {
        publisher.send(Route.exchange("amq.topic", key), TestBroker.text(body), null).join();
    }

    private void publish(String key, String body, String color) {
        publisher.send(Route.exchange("amq.topic", key), TestBroker.message(body).property("color", color).build(),
                null).join();
    }

    @Test
    void aTemporarySubscriptionGetsMatchingTopicsAndVanishesWhenClosed() {
        RecordingSink sink = new RecordingSink();
        Subscription sub = tb.session(sink).consume(Source.topic(TopicSubscription.temporary("amq.topic", "news.*")),
                ConsumeOptions.credit(10)).join();
        String queue = sub.queueName();
        assertThat(tb.queue(queue).exclusive()).isTrue();

        publish("news.sport", "goal");
        publish("weather", "rain");
        assertThat(sink.bodies()).containsExactly("goal");

        sub.close().join();
        assertThat(tb.queue(queue)).isNull();
    }

    @Test
    void aDurableSubscriptionCollectsWhileDetached() {
        TopicSubscription spec = TopicSubscription.durable("amq.topic", "news.#", "reader");
        tb.session(new RecordingSink()).consume(Source.topic(spec), ConsumeOptions.credit(0)).join().close().join();

        publish("news.sport", "goal");
        RecordingSink sink = new RecordingSink();
        tb.session(sink).consume(Source.topic(spec), ConsumeOptions.credit(10)).join();

        assertThat(sink.bodies()).containsExactly("goal");
        assertThat(tb.vhost().bindingsTo(tb.queue("reader"))).hasSize(1);
    }

    @Test
    void reattachingWithAnotherPatternRebinds() {
        tb.session(new RecordingSink()).consume(Source.topic(TopicSubscription.durable("amq.topic", "news.#", "reader")),
                ConsumeOptions.credit(0)).join().close().join();

        RecordingSink sink = new RecordingSink();
        tb.session(sink).consume(Source.topic(TopicSubscription.durable("amq.topic", "sport.#", "reader")),
                ConsumeOptions.credit(10)).join();
        publish("news.x", "old pattern");
        publish("sport.x", "new pattern");

        assertThat(sink.bodies()).containsExactly("new pattern");
        assertThat(tb.vhost().bindingsTo(tb.queue("reader"))).singleElement()
                .satisfies(b -> assertThat(b.key()).isEqualTo("sport.#"));
    }

    @Test
    void aSubscriptionFilterPassesOnlyMatchingMessages() {
        RecordingSink sink = new RecordingSink();
        tb.session(sink).consume(Source.topic(new TopicSubscription("amq.topic", "paint.#", null, null,
                FilterSpec.sql("color = 'red'"), Map.of())), ConsumeOptions.credit(10)).join();

        publish("paint.wall", "r", "red");
        publish("paint.wall", "b", "blue");

        assertThat(sink.bodies()).containsExactly("r");
    }

    @Test
    void reattachingWithAnotherFilterAppliesTheNewFilter() {
        tb.session(new RecordingSink()).consume(Source.topic(new TopicSubscription("amq.topic", "paint.#", "painter",
                "painter", FilterSpec.sql("color = 'red'"), Map.of())), ConsumeOptions.credit(0)).join().close().join();

        RecordingSink sink = new RecordingSink();
        tb.session(sink).consume(Source.topic(new TopicSubscription("amq.topic", "paint.#", "painter", "painter",
                FilterSpec.sql("color = 'blue'"), Map.of())), ConsumeOptions.credit(10)).join();
        publish("paint.wall", "r", "red");
        publish("paint.wall", "b", "blue");

        assertThat(sink.bodies()).containsExactly("b");
    }

    @Test
    void aSharedSubscriptionSplitsItsMessagesOverConnectionsAndGoesWithItsLastConsumer() {
        TopicSubscription spec = TopicSubscription.shared("amq.topic", "jobs.#", "app.jobs:volatile",
                null);
        RecordingSink first = new RecordingSink();
        RecordingSink second = new RecordingSink();
        Subscription a = tb.session(first).consume(Source.topic(spec), ConsumeOptions.credit(1)).join();
        Subscription b = tb.session(second).consume(Source.topic(spec), ConsumeOptions.credit(1)).join();

        publish("jobs.1", "one");
        publish("jobs.2", "two");

        assertThat(first.bodies().size() + second.bodies().size()).isEqualTo(2);
        assertThat(first.bodies()).hasSize(1);
        assertThat(tb.queue("app.jobs:volatile").exclusive()).isFalse();
        assertThat(tb.queue("app.jobs:volatile").durable()).isFalse();
        assertThat(tb.vhost().bindingsTo(tb.queue("app.jobs:volatile"))).hasSize(1);
        a.close().join();
        assertThat(tb.queue("app.jobs:volatile")).isNotNull();
        b.close().join();
        assertThat(tb.queue("app.jobs:volatile")).isNull();
    }

    @Test
    void joiningASharedSubscriptionWithAnotherPatternKeepsTheBindingsAlreadyThere() {
        tb.session(new RecordingSink()).consume(Source.topic(TopicSubscription.shared("amq.topic", "news.#", "s:volatile",
                null)), ConsumeOptions.credit(10)).join();

        tb.session(new RecordingSink()).consume(Source.topic(TopicSubscription.shared("amq.topic", "sport.#",
                "s:volatile", null)), ConsumeOptions.credit(10)).join();

        assertThat(tb.vhost().bindingsTo(tb.queue("s:volatile"))).extracting(b -> b.key())
                .containsExactly("news.#", "sport.#");
    }

    @Test
    void aSharedSubscriptionNeedsTheNameOfItsQueue() {
        io.ferrymq.core.testing.Futures.failsWith(tb.session(new RecordingSink()).consume(Source.topic(TopicSubscription.shared("amq.topic", "news.#", "", null)), ConsumeOptions.credit(1)),
                io.ferrymq.core.errors.ErrorCode.INVALID_ARGUMENT);
    }
}
