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
 * ActiveMQ-style exclusive consumers: other consumers may attach, but while an exclusive one lives the
 * first of them (highest priority, then oldest) gets everything; when it goes the next takes over, and
 * when no exclusive one is left the others share the queue again.
 */
class ExclusiveActiveConsumerTest {

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

    private void send(String... bodies) {
        for (String b : bodies) {
            producer.send(Route.queue("q"), TestBroker.text(b), null).join();
        }
    }

    @Test
    void theExclusiveConsumerGetsEverythingAndTheNextTakesOverInOrder() {
        RecordingSink plain = new RecordingSink();
        RecordingSink first = new RecordingSink();
        RecordingSink second = new RecordingSink();
        tb.session(plain).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        Subscription f = tb.session(first).consume(Source.queue("q"), ConsumeOptions.credit(2)
                .withExclusiveActive(true)).join();
        Subscription s = tb.session(second).consume(Source.queue("q"), ConsumeOptions.credit(10)
                .withExclusiveActive(true)).join();

        send("m1", "m2", "m3");
        assertThat(first.bodies()).containsExactly("m1", "m2");
        assertThat(second.deliveries()).as("out of credit, the active one still holds the queue").isEmpty();
        assertThat(plain.deliveries()).isEmpty();

        f.close().join();
        assertThat(second.bodies()).containsExactly("m1", "m2", "m3");
        assertThat(plain.deliveries()).isEmpty();

        s.close().join();
        assertThat(plain.bodies()).as("no exclusive consumer left: the others share the queue")
                .containsExactly("m1", "m2", "m3");
    }

    @Test
    void theHighestPriorityExclusiveConsumerIsTheActiveOne() {
        RecordingSink older = new RecordingSink();
        RecordingSink higher = new RecordingSink();
        tb.session(older).consume(Source.queue("q"), ConsumeOptions.credit(10).withExclusiveActive(true)).join();
        tb.session(higher).consume(Source.queue("q"), ConsumeOptions.credit(10).withExclusiveActive(true)
                .withPriority(5)).join();

        send("m1", "m2");

        assertThat(higher.bodies()).containsExactly("m1", "m2");
        assertThat(older.deliveries()).isEmpty();
    }

    @Test
    void anExclusiveConsumerDoesNotLockOthersOutAsAnAmqpExclusiveConsumeDoes() {
        tb.session(new RecordingSink()).consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
        Subscription ex = tb.session(new RecordingSink()).consume(Source.queue("q"), ConsumeOptions.credit(1)
                .withExclusiveActive(true)).join();
        Subscription after = tb.session(new RecordingSink()).consume(Source.queue("q"), ConsumeOptions.credit(1))
                .join();

        assertThat(ex).isNotNull();
        assertThat(after).isNotNull();
        assertThat(tb.queue("q").consumerCount()).isEqualTo(3);
    }
}
