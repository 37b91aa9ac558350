package io.ferrymq.core.routing;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.Test;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** The default exchange ("") reaches every queue by its own name and takes no explicit bindings. */
class DefaultExchangeRoutingTest {

    @Test
    void theRoutingKeyNamesTheQueue() {
        try (TestBroker tb = TestBroker.start()) {
            Session s = tb.session(new RecordingSink());
            s.admin().declareQueue(QueueDeclaration.durable("orders")).join();
            s.admin().declareQueue(QueueDeclaration.durable("other")).join();

            assertThat(s.send(Route.exchange("", "orders"), TestBroker.text("m"), null).join().queues()).isEqualTo(1);

            assertThat(tb.stats("orders").ready()).isEqualTo(1);
            assertThat(tb.stats("other").ready()).isZero();
        }
    }

    @Test
    void anUnknownQueueNameThroughTheExchangeIsUnroutableAndCreatesNothing() {
        try (TestBroker tb = TestBroker.start()) {
            Session s = tb.session(new RecordingSink());

            assertThat(s.send(Route.exchange("", "nowhere"), TestBroker.text("m"), null).join().queues()).isZero();
            assertThat(tb.queue("nowhere")).isNull();
        }
    }

    @Test
    void aQueueRouteCreatesAMissingQueueWhenThePolicyAllows() {
        try (TestBroker tb = TestBroker.start()) {
            Session s = tb.session(new RecordingSink());

            assertThat(s.send(Route.queue("fresh"), TestBroker.text("m"), null).join().queues()).isEqualTo(1);

            assertThat(tb.queue("fresh").durable()).isTrue();
            assertThat(tb.stats("fresh").ready()).isEqualTo(1);
        }
    }

    @Test
    void aQueueRouteToAMissingQueueFailsWhenThePolicyForbidsCreation() {
        try (TestBroker tb = TestBroker.builder()
                .policy(AddressPolicy.matching("fixed.#").withAutoCreateQueues(false)).build()) {
            Session s = tb.session(new RecordingSink());

            failsWith(s.send(Route.queue("fixed.q"), TestBroker.text("m"), null), ErrorCode.NOT_FOUND);
            assertThat(tb.queue("fixed.q")).isNull();
        }
    }

    @Test
    void explicitBindingsToTheDefaultExchangeAreRefused() {
        try (TestBroker tb = TestBroker.start()) {
            Session s = tb.session(new RecordingSink());
            s.admin().declareQueue(QueueDeclaration.durable("q")).join();

            failsWith(s.admin().bind(BindingDeclaration.queue("", "q", "other")), ErrorCode.INVALID_ARGUMENT);
        }
    }
}
