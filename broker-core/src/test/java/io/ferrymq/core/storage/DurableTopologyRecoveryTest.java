package io.ferrymq.core.storage;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.api.TopicSubscription;
import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Durable queues, exchanges and bindings are there again after a restart, with their settings. */
class DurableTopologyRecoveryTest {

    @Test
    void durableQueuesComeBackWithTheirArguments() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.admin().declareQueue(QueueDeclaration.durable("limited").withArguments(Map.of("x-max-length", 1))).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(after.queue("limited")).isNotNull();
            assertThat(after.queue("limited").durable()).isTrue();
            assertThat(after.queue("limited").settings().maxLength()).isEqualTo(1);
            assertThat(after.queue("limited").arguments()).containsEntry("x-max-length", 1);
        }
    }

    @Test
    void durableExchangesAndBindingsRouteAgain() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.admin().declareExchange(ExchangeDeclaration.durable("orders", ExchangeType.TOPIC)).join();
        s.admin().declareExchange(ExchangeDeclaration.durable("eu", ExchangeType.FANOUT)).join();
        s.admin().declareQueue(QueueDeclaration.durable("all")).join();
        s.admin().declareQueue(QueueDeclaration.durable("eu-red")).join();
        s.admin().bind(BindingDeclaration.queue("orders", "all", "orders.#")).join();
        s.admin().bind(new BindingDeclaration("orders", BindingTarget.Kind.EXCHANGE, "eu", "orders.eu.*", Map.of(),
                null)).join();
        s.admin().bind(BindingDeclaration.queue("eu", "eu-red", "").withFilter(FilterSpec.sql("color = 'red'")))
                .join();
        s.admin().bind(BindingDeclaration.queue("amq.topic", "all", "legacy.#")).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            Session p = after.session(new RecordingSink());
            assertThat(after.vhost().exchange("orders").type()).isEqualTo(ExchangeType.TOPIC);
            p.send(Route.exchange("orders", "orders.eu.new"), TestBroker.message("red").property("color", "red")
                    .build(), null).join();
            p.send(Route.exchange("orders", "orders.eu.new"), TestBroker.message("blue").property("color", "blue")
                    .build(), null).join();
            p.send(Route.exchange("amq.topic", "legacy.x"), TestBroker.text("legacy"), null).join();

            assertThat(after.stats("all").ready()).isEqualTo(3);
            assertThat(after.stats("eu-red").ready()).as("the binding filter survived too").isEqualTo(1);
        }
    }

    @Test
    void aDurableSubscriptionSurvivesWithItsBinding() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.consume(Source.topic(TopicSubscription.durable("amq.topic", "news.#", "reader")), ConsumeOptions.credit(1))
                .join();
        s.send(Route.exchange("amq.topic", "news.sport"), TestBroker.text("goal"), null).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            after.session(new RecordingSink()).send(Route.exchange("amq.topic", "news.tech"), TestBroker.text("ai"),
                    null).join();
            RecordingSink sink = new RecordingSink();
            after.session(sink).consume(Source.topic(TopicSubscription.durable("amq.topic", "news.#", "reader")),
                    ConsumeOptions.credit(10)).join();

            assertThat(sink.bodies()).containsExactly("goal", "ai");
        }
    }

    @Test
    void aDeletedQueueStaysDeleted() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.send(Route.queue("gone"), TestBroker.text("m"), null).join();
        s.admin().bind(BindingDeclaration.queue("amq.topic", "gone", "t")).join();
        s.admin().deleteQueue("gone", false, false).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(after.queue("gone")).isNull();
            assertThat(after.storage()).isInstanceOfSatisfying(InMemoryStorage.class, st ->
                    assertThat(st.inspect(DurableImage::messageCount)).isZero());
        }
    }

    @Test
    void aDeletedExchangeStaysDeletedWithItsBindings() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.admin().declareExchange(ExchangeDeclaration.durable("x", ExchangeType.DIRECT)).join();
        s.admin().declareQueue(QueueDeclaration.durable("q")).join();
        s.admin().bind(BindingDeclaration.queue("x", "q", "k")).join();
        s.admin().deleteExchange("x", false).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(after.vhost().exchange("x")).isNull();
            assertThat(after.vhost().bindingsTo(after.queue("q"))).isEmpty();
        }
    }

    @Test
    void anUnboundBindingStaysUnbound() {
        TestBroker tb = TestBroker.start();
        Session s = tb.session(new RecordingSink());
        s.admin().declareQueue(QueueDeclaration.durable("q")).join();
        s.admin().bind(BindingDeclaration.queue("amq.topic", "q", "a")).join();
        s.admin().bind(BindingDeclaration.queue("amq.topic", "q", "b")).join();
        s.admin().unbind(BindingDeclaration.queue("amq.topic", "q", "a")).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(after.vhost().bindingsTo(after.queue("q"))).extracting(b -> b.key()).containsExactly("b");
        }
    }

    @Test
    void queuesOfOtherVirtualHostsComeBackInTheirOwnHost() {
        TestBroker tb = TestBroker.start();
        tb.session("other", new RecordingSink()).admin().declareQueue(QueueDeclaration.durable("q")).join();

        try (TestBroker after = tb.restart(TestBroker.builder())) {
            assertThat(after.broker().vhost("other").queue("q")).isNotNull();
            assertThat(after.queue("q")).isNull();
        }
    }
}
