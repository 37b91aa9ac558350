package io.ferrymq.core.routing;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** Exchanges bound to exchanges pass messages on with the same key; loops are cut, not followed forever. */
class ExchangeToExchangeRoutingTest {

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s = tb.session(new RecordingSink());
        s.admin().declareQueue(QueueDeclaration.durable("q")).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    private void exchange(String name, ExchangeType type) {
        s.admin().declareExchange(ExchangeDeclaration.durable(name, type)).join();
    }

    private void bindExchange(String from, String to, String key) {
        s.admin().bind(new BindingDeclaration(from, BindingTarget.Kind.EXCHANGE, to, key, Map.of(), null)).join();
    }

    @Test
    void aMessagePassesThroughAChainOfExchanges() {
        exchange("front", ExchangeType.TOPIC);
        exchange("back", ExchangeType.DIRECT);
        bindExchange("front", "back", "orders.#");
        s.admin().bind(BindingDeclaration.queue("back", "q", "orders.eu")).join();

        assertThat(s.send(Route.exchange("front", "orders.eu"), TestBroker.text("eu"), null).join().queues())
                .isEqualTo(1);
        assertThat(s.send(Route.exchange("front", "orders.us"), TestBroker.text("us"), null).join().queues())
                .as("the second exchange still routes by the original key").isZero();
        assertThat(s.send(Route.exchange("front", "invoices"), TestBroker.text("inv"), null).join().queues()).isZero();
        assertThat(tb.stats("q").ready()).isEqualTo(1);
    }

    @Test
    void aLoopBetweenExchangesIsCutAndTheQueueGetsOneCopy() {
        exchange("x", ExchangeType.FANOUT);
        exchange("y", ExchangeType.FANOUT);
        bindExchange("x", "y", "");
        bindExchange("y", "x", "");
        s.admin().bind(BindingDeclaration.queue("y", "q", "")).join();

        assertThat(s.send(Route.exchange("x", "k"), TestBroker.text("m"), null).join().queues()).isEqualTo(1);
        assertThat(s.send(Route.exchange("y", "k"), TestBroker.text("m"), null).join().queues()).isEqualTo(1);
        assertThat(tb.stats("q").ready()).isEqualTo(2);
    }

    @Test
    void anExchangeBoundToItselfDoesNotLoop() {
        exchange("x", ExchangeType.FANOUT);
        bindExchange("x", "x", "");
        s.admin().bind(BindingDeclaration.queue("x", "q", "")).join();

        assertThat(s.send(Route.exchange("x", "k"), TestBroker.text("m"), null).join().queues()).isEqualTo(1);
    }

    @Test
    void anInternalExchangeTakesMessagesOnlyFromOtherExchanges() {
        exchange("public", ExchangeType.FANOUT);
        s.admin().declareExchange(new ExchangeDeclaration("hidden", ExchangeType.FANOUT, true, false, true, Map.of(),
                false)).join();
        bindExchange("public", "hidden", "");
        s.admin().bind(BindingDeclaration.queue("hidden", "q", "")).join();

        failsWith(s.send(Route.exchange("hidden", "k"), TestBroker.text("direct"), null), ErrorCode.INVALID_ARGUMENT);
        assertThat(s.send(Route.exchange("public", "k"), TestBroker.text("via"), null).join().queues()).isEqualTo(1);
        assertThat(tb.stats("q").ready()).isEqualTo(1);
    }

    @Test
    void bindingToAMissingExchangeFails() {
        exchange("x", ExchangeType.FANOUT);

        failsWith(s.admin().bind(new BindingDeclaration("x", BindingTarget.Kind.EXCHANGE, "missing", "", Map.of(),
                null)), ErrorCode.NOT_FOUND);
    }
}
