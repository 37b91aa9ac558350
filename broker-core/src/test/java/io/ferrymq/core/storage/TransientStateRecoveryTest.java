package io.ferrymq.core.storage;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.api.TopicSubscription;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Non-durable messages, transient and exclusive queues and transient exchanges do not outlive a restart. */
class TransientStateRecoveryTest {

    private static Message transientText(String body) {
        return Message.builder().durable(false).body(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void nonDurableMessagesAreLostWhileDurableOnesSurvive() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.send(Route.queue("q"), transientText("transient"), null).join();
        s.send(Route.queue("q"), TestBroker.text("durable"), null).join();
        assertThat(((InMemoryStorage) tb.storage()).inspect(DurableImage::messageCount)).isEqualTo(1);

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(after.stats("q").ready()).isEqualTo(1);
        }
    }

    @Test
    void transientQueuesAreNotRecovered() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.admin().declareQueue(new QueueDeclaration("temp", false, false, false, Map.of(), false)).join();
        s.send(Route.queue("temp"), TestBroker.text("m"), null).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(after.queue("temp")).isNull();
            assertThat(((InMemoryStorage) after.storage()).inspect(DurableImage::messageCount)).isZero();
        }
    }

    @Test
    void durableExclusiveQueuesAreNotRecovered() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.admin().declareQueue(new QueueDeclaration("mine", true, true, false, Map.of(), false)).join();
        s.admin().bind(BindingDeclaration.queue("amq.topic", "mine", "t")).join();
        s.send(Route.queue("mine"), TestBroker.text("m"), null).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(after.queue("mine")).isNull();
            int storedBindings = ((InMemoryStorage) after.storage()).inspect(image -> image.bindings().size());
            assertThat(storedBindings).isZero();
        }
    }

    @Test
    void temporarySubscriptionsAreNotRecovered() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.consume(Source.topic(TopicSubscription.temporary("amq.topic", "a.#")),
                ConsumeOptions.credit(1)).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(after.vhost().queues()).isEmpty();
        }
    }

    @Test
    void transientExchangesAndTheirBindingsAreNotRecovered() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.admin().declareExchange(new ExchangeDeclaration("t", ExchangeType.FANOUT, false, false, false, Map.of(),
                false)).join();
        s.admin().declareQueue(QueueDeclaration.durable("q")).join();
        s.admin().bind(BindingDeclaration.queue("t", "q", "")).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(after.vhost().exchange("t")).isNull();
            assertThat(after.vhost().bindingsTo(after.queue("q"))).isEmpty();
        }
    }

    @Test
    void messageIdsAreNeverReusedAfterARestart() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        long before = s.send(Route.queue("q"), TestBroker.text("m"), null).join().messageId();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            long next = after.session(new RecordingSink()).send(Route.queue("q"), TestBroker.text("n"), null).join()
                    .messageId();
            assertThat(next).isGreaterThan(before);
        }
    }
}
