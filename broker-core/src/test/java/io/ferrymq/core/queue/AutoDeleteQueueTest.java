package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An auto-delete queue goes away when its last consumer leaves (not before it has had one). */
class AutoDeleteQueueTest {

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s = tb.session(new RecordingSink());
        s.admin().declareQueue(new QueueDeclaration("auto", false, false, true, null, false)).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void itIsDeletedWhenTheLastConsumerLeaves() {
        s.admin().bind(BindingDeclaration.queue("amq.topic", "auto", "t")).join();
        Subscription a = s.consume(Source.queue("auto"), ConsumeOptions.credit(1)).join();
        Subscription b = tb.session(new RecordingSink()).consume(Source.queue("auto"), ConsumeOptions.credit(1)).join();

        a.close().join();
        assertThat(tb.queue("auto")).as("one consumer remains").isNotNull();

        b.close().join();
        assertThat(tb.queue("auto")).isNull();
        assertThat(s.send(Route.exchange("amq.topic", "t"), TestBroker.text("m"), null).join().queues())
                .as("its bindings went with it").isZero();
    }

    @Test
    void itStaysUntilItHasHadAConsumer() {
        s.send(Route.queue("auto"), TestBroker.text("m"), null).join();

        assertThat(tb.queue("auto")).isNotNull();
        assertThat(tb.stats("auto").ready()).isEqualTo(1);
    }

    @Test
    void aSessionClosingWithTheLastConsumerDeletesIt() {
        Session c = tb.session(new RecordingSink());
        c.consume(Source.queue("auto"), ConsumeOptions.credit(1)).join();

        c.close();

        assertThat(tb.queue("auto")).isNull();
    }
}
