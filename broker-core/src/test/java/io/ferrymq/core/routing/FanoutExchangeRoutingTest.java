package io.ferrymq.core.routing;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A fanout exchange copies every message to every bound queue, whatever its routing key. */
class FanoutExchangeRoutingTest {

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s = tb.session(new RecordingSink());
        s.admin().declareExchange(ExchangeDeclaration.durable("fan", ExchangeType.FANOUT)).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void everyBoundQueueGetsACopyWhateverTheKey() {
        s.admin().declareQueue(QueueDeclaration.durable("q1")).join();
        s.admin().declareQueue(QueueDeclaration.durable("q2")).join();
        s.admin().bind(BindingDeclaration.queue("fan", "q1", "ignored")).join();
        s.admin().bind(BindingDeclaration.queue("fan", "q2", "")).join();

        assertThat(s.send(Route.exchange("fan", "any.key"), TestBroker.text("m1"), null).join().queues()).isEqualTo(2);
        assertThat(s.send(Route.exchange("fan", ""), TestBroker.text("m2"), null).join().queues()).isEqualTo(2);

        assertThat(tb.stats("q1").ready()).isEqualTo(2);
        assertThat(tb.stats("q2").ready()).isEqualTo(2);
    }

    @Test
    void withoutBindingsNothingIsRouted() {
        assertThat(s.send(Route.exchange("fan", "k"), TestBroker.text("m"), null).join().queues()).isZero();
    }

    @Test
    void eachCopyIsConsumedIndependently() {
        s.admin().declareQueue(QueueDeclaration.durable("q1")).join();
        s.admin().declareQueue(QueueDeclaration.durable("q2")).join();
        s.admin().bind(BindingDeclaration.queue("fan", "q1", "")).join();
        s.admin().bind(BindingDeclaration.queue("fan", "q2", "")).join();
        s.send(Route.exchange("fan", ""), TestBroker.text("m"), null).join();

        RecordingSink sink = new RecordingSink();
        Session c = tb.session(sink);
        c.consume(Source.queue("q1"), ConsumeOptions.credit(5)).join();
        c.settle(sink.find("m"), Outcome.ACCEPT, null).join();

        assertThat(tb.stats("q1").total()).isZero();
        assertThat(tb.stats("q2").ready()).isEqualTo(1);
    }
}
