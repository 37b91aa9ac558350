package io.ferrymq.core.routing;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.SendResult;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A direct exchange delivers to the bindings whose key equals the routing key, and nowhere else. */
class DirectExchangeRoutingTest {

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s = tb.session(new RecordingSink());
        s.admin().declareExchange(ExchangeDeclaration.durable("x", ExchangeType.DIRECT)).join();
        for (String q : new String[] {"q1", "q2", "q3"}) {
            s.admin().declareQueue(QueueDeclaration.durable(q)).join();
        }
        s.admin().bind(BindingDeclaration.queue("x", "q1", "a")).join();
        s.admin().bind(BindingDeclaration.queue("x", "q2", "a")).join();
        s.admin().bind(BindingDeclaration.queue("x", "q3", "b")).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void everyQueueBoundWithTheKeyGetsTheMessage() {
        SendResult r = s.send(Route.exchange("x", "a"), TestBroker.text("m"), null).join();

        assertThat(r.queues()).isEqualTo(2);
        assertThat(tb.stats("q1").ready()).isEqualTo(1);
        assertThat(tb.stats("q2").ready()).isEqualTo(1);
        assertThat(tb.stats("q3").ready()).isZero();
    }

    @Test
    void keysMustMatchExactlyWordForWordAndCase() {
        for (String key : new String[] {"A", "a.b", "a ", "", "*", "#"}) {
            assertThat(s.send(Route.exchange("x", key), TestBroker.text(key), null).join().queues())
                    .as("key '%s'", key).isZero();
        }
        assertThat(tb.stats("q1").ready()).isZero();
        assertThat(tb.stats("q3").ready()).isZero();
    }

    @Test
    void anUnroutableMessageIsAcceptedAndDropped() {
        SendResult r = s.send(Route.exchange("x", "nobody"), TestBroker.text("m"), null).join();

        assertThat(r.queues()).isZero();
        assertThat(r.messageId()).isPositive();
    }

    @Test
    void unbindingStopsRouting() {
        s.admin().unbind(BindingDeclaration.queue("x", "q1", "a")).join();

        assertThat(s.send(Route.exchange("x", "a"), TestBroker.text("m"), null).join().queues()).isEqualTo(1);
        assertThat(tb.stats("q1").ready()).isZero();
        assertThat(tb.stats("q2").ready()).isEqualTo(1);
    }

    @Test
    void theBuiltInAmqDirectExchangeRoutesTheSameWay() {
        s.admin().bind(BindingDeclaration.queue("amq.direct", "q3", "k")).join();

        assertThat(s.send(Route.exchange("amq.direct", "k"), TestBroker.text("m"), null).join().queues()).isEqualTo(1);
        assertThat(tb.stats("q3").ready()).isEqualTo(1);
    }
}
