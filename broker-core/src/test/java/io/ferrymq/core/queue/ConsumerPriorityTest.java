package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consumer priorities (RabbitMQ semantics): a higher priority consumer with credit gets the message; lower
 * ones only while every higher one is blocked; consumers of one priority share round-robin.
 */
class ConsumerPriorityTest {

    private TestBroker tb;
    private Session producer;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        producer = tb.session(new RecordingSink());
        producer.admin().declareQueue(QueueDeclaration.durable("q")).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    private void send(int n) {
        for (int i = 1; i <= n; i++) {
            producer.send(Route.queue("q"), TestBroker.text("m" + i), null).join();
        }
    }

    @Test
    void theHigherPriorityConsumerGetsEverythingWhileItHasCredit() {
        RecordingSink low = new RecordingSink();
        RecordingSink high = new RecordingSink();
        tb.session(low).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        tb.session(high).consume(Source.queue("q"), ConsumeOptions.credit(10).withPriority(5)).join();

        send(4);

        assertThat(high.bodies()).containsExactly("m1", "m2", "m3", "m4");
        assertThat(low.deliveries()).isEmpty();
    }

    @Test
    void aLowerPriorityConsumerGetsMessagesOnlyWhileTheHigherOneIsBlocked() {
        RecordingSink low = new RecordingSink();
        RecordingSink high = new RecordingSink();
        Session h = tb.session(high);
        tb.session(low).consume(Source.queue("q"), ConsumeOptions.credit(10).withPriority(-1)).join();
        Subscription hs = h.consume(Source.queue("q"), ConsumeOptions.credit(2).withPriority(1)).join();

        send(3);
        assertThat(high.bodies()).containsExactly("m1", "m2");
        assertThat(low.bodies()).containsExactly("m3");

        hs.credit(1);
        producer.send(Route.queue("q"), TestBroker.text("m4"), null).join();
        assertThat(high.bodies()).containsExactly("m1", "m2", "m4");
        assertThat(low.bodies()).containsExactly("m3");
    }

    @Test
    void consumersOfOnePriorityShareRoundRobin() {
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        RecordingSink low = new RecordingSink();
        tb.session(low).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        tb.session(a).consume(Source.queue("q"), ConsumeOptions.credit(10).withPriority(3)).join();
        tb.session(b).consume(Source.queue("q"), ConsumeOptions.credit(10).withPriority(3)).join();

        send(4);

        assertThat(a.bodies()).containsExactly("m1", "m3");
        assertThat(b.bodies()).containsExactly("m2", "m4");
        assertThat(low.deliveries()).isEmpty();
    }

    @Test
    void whenTheHigherOneLeavesTheLowerOneGetsWhatItHeld() {
        RecordingSink low = new RecordingSink();
        RecordingSink high = new RecordingSink();
        tb.session(low).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        Subscription hs = tb.session(high).consume(Source.queue("q"), ConsumeOptions.credit(10).withPriority(9))
                .join();
        send(2);

        hs.close().join();

        assertThat(low.bodies()).containsExactly("m1", "m2");
    }
}
