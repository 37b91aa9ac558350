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

/** Consumers of one queue take turns; one without credit is passed over. */
class RoundRobinDispatchTest {

    private TestBroker tb;
    private Session producer;
    private final RecordingSink sink1 = new RecordingSink();
    private final RecordingSink sink2 = new RecordingSink();

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
    void consumersAlternate() {
        tb.session(sink1).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        tb.session(sink2).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        send(6);

        assertThat(sink1.bodies()).containsExactly("m1", "m3", "m5");
        assertThat(sink2.bodies()).containsExactly("m2", "m4", "m6");
    }

    @Test
    void aConsumerOutOfCreditIsSkipped() {
        tb.session(sink1).consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
        tb.session(sink2).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        send(4);

        assertThat(sink1.bodies()).containsExactly("m1");
        assertThat(sink2.bodies()).containsExactly("m2", "m3", "m4");
    }

    @Test
    void waitingMessagesAreSharedWhenConsumersAttach() {
        send(4);
        Subscription a = tb.session(sink1).consume(Source.queue("q"), ConsumeOptions.credit(0)).join();
        Subscription b = tb.session(sink2).consume(Source.queue("q"), ConsumeOptions.credit(0)).join();

        a.credit(2);
        b.credit(2);

        assertThat(sink1.bodies()).containsExactly("m1", "m2");
        assertThat(sink2.bodies()).containsExactly("m3", "m4");
    }
}
