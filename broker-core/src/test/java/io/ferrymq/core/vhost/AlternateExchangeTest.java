package io.ferrymq.core.vhost;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.SendResult;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An exchange's alternate-exchange argument takes what it cannot route, as in RabbitMQ. */
class AlternateExchangeTest {

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s = tb.session(new RecordingSink());
        s.admin().declareQueue(QueueDeclaration.durable("routed")).join();
        s.admin().declareQueue(QueueDeclaration.durable("unrouted")).join();
        s.admin().declareExchange(ExchangeDeclaration.durable("ae", ExchangeType.FANOUT)).join();
        s.admin().bind(BindingDeclaration.queue("ae", "unrouted", "")).join();
        s.admin().declareExchange(new ExchangeDeclaration("main", ExchangeType.DIRECT, true, false, false,
                Map.of(VirtualHost.ALTERNATE_EXCHANGE, "ae"), false)).join();
        s.admin().bind(BindingDeclaration.queue("main", "routed", "k")).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    private SendResult send(String exchange, String key) {
        return s.send(Route.exchange(exchange, key), Message.builder().body(new byte[] {1}).build(), null).join();
    }

    @Test
    void anUnroutableMessageGoesToTheAlternateExchangeAndARoutableOneDoesNot() {
        assertThat(send("main", "k").queues()).isEqualTo(1);
        assertThat(send("main", "other").queues()).isEqualTo(1);
        assertThat(tb.queue("routed").stats().ready()).isEqualTo(1);
        assertThat(tb.queue("unrouted").stats().ready()).isEqualTo(1);
    }

    @Test
    void aCycleOfAlternatesEndsWithoutRouting() {
        s.admin().declareExchange(new ExchangeDeclaration("a", ExchangeType.DIRECT, false, false, false,
                Map.of(VirtualHost.ALTERNATE_EXCHANGE, "b"), false)).join();
        s.admin().declareExchange(new ExchangeDeclaration("b", ExchangeType.DIRECT, false, false, false,
                Map.of(VirtualHost.ALTERNATE_EXCHANGE, "a"), false)).join();
        assertThat(send("a", "nowhere").queues()).isZero();
    }

    @Test
    void aMissingAlternateExchangeLeavesTheMessageUnrouted() {
        s.admin().declareExchange(new ExchangeDeclaration("lonely", ExchangeType.DIRECT, false, false, false,
                Map.of(VirtualHost.ALTERNATE_EXCHANGE, "gone"), false)).join();
        assertThat(send("lonely", "x").queues()).isZero();
    }
}
