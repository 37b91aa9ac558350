package io.ferrymq.core.routing;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A message that reaches one queue through several bindings is enqueued there once. */
class DuplicateRouteDeliveryTest {

    private TestBroker tb;
    private Session s;
    private RecordingSink sink;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        sink = new RecordingSink();
        s = tb.session(sink);
        s.admin().declareQueue(QueueDeclaration.durable("q")).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void twoMatchingTopicPatternsDeliverOnce() {
        s.admin().bind(BindingDeclaration.queue("amq.topic", "q", "a.*")).join();
        s.admin().bind(BindingDeclaration.queue("amq.topic", "q", "*.b")).join();
        s.admin().bind(BindingDeclaration.queue("amq.topic", "q", "#.#")).join();

        assertThat(s.send(Route.exchange("amq.topic", "a.b"), TestBroker.text("m"), null).join().queues()).isEqualTo(1);
        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        assertThat(sink.bodies()).containsExactly("m");
    }

    @Test
    void aDirectAndAnIndirectPathDeliverOnce() {
        s.admin().declareExchange(ExchangeDeclaration.durable("x", ExchangeType.DIRECT)).join();
        s.admin().declareExchange(ExchangeDeclaration.durable("y", ExchangeType.FANOUT)).join();
        s.admin().bind(BindingDeclaration.queue("x", "q", "k")).join();
        s.admin().bind(new BindingDeclaration("x", BindingTarget.Kind.EXCHANGE, "y", "k", Map.of(), null)).join();
        s.admin().bind(BindingDeclaration.queue("y", "q", "")).join();

        assertThat(s.send(Route.exchange("x", "k"), TestBroker.text("m"), null).join().queues()).isEqualTo(1);
        assertThat(tb.stats("q").ready()).isEqualTo(1);
    }
}
