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
 * JMS message groups: a consumer with sticky groups keeps a group after its messages settle, for as long
 * as it lives; when it closes the group goes to another consumer, whose first message of it says so.
 */
class StickyMessageGroupTest {

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

    private void send(String group, String body) {
        producer.send(Route.queue("q"), TestBroker.message(body).groupId(group).build(), null).join();
    }

    private static void ackAll(Session s, RecordingSink sink) {
        for (Delivery d : sink.take()) {
            s.settle(d, Outcome.ACCEPT, null).join();
        }
    }

    @Test
    void aGroupStaysWithItsConsumerAfterItsMessagesSettle() {
        RecordingSink sink1 = new RecordingSink();
        RecordingSink sink2 = new RecordingSink();
        Session s1 = tb.session(sink1);
        Session s2 = tb.session(sink2);
        s1.consume(Source.queue("q"), ConsumeOptions.credit(100).withStickyGroups(true)).join();
        s2.consume(Source.queue("q"), ConsumeOptions.credit(100).withStickyGroups(true)).join();

        send("A", "A1");
        send("B", "B1");
        assertThat(sink1.bodies()).containsExactly("A1");
        assertThat(sink1.find("A1").firstOfGroup()).isTrue();
        ackAll(s1, sink1);
        ackAll(s2, sink2);

        send("A", "A2");
        send("A", "A3");
        send("B", "B2");

        assertThat(sink1.bodies()).containsExactly("A2", "A3");
        assertThat(sink1.find("A2").firstOfGroup()).isFalse();
        assertThat(sink2.bodies()).containsExactly("B2");
    }

    @Test
    void withoutStickinessASettledGroupMayMoveOn() {
        RecordingSink sink1 = new RecordingSink();
        RecordingSink sink2 = new RecordingSink();
        Session s1 = tb.session(sink1);
        tb.session(sink2);
        s1.consume(Source.queue("q"), ConsumeOptions.credit(100)).join();
        tb.session(sink2).consume(Source.queue("q"), ConsumeOptions.credit(100)).join();

        send("A", "A1");
        ackAll(s1, sink1);
        send("A", "A2");

        assertThat(sink2.bodies()).containsExactly("A2");
    }

    @Test
    void theGroupMovesToAnotherConsumerWhenItsOwnerCloses() {
        RecordingSink sink1 = new RecordingSink();
        RecordingSink sink2 = new RecordingSink();
        Session s1 = tb.session(sink1);
        Subscription owner = s1.consume(Source.queue("q"), ConsumeOptions.credit(100).withStickyGroups(true))
                .join();
        tb.session(sink2).consume(Source.queue("q"), ConsumeOptions.credit(100).withStickyGroups(true)).join();
        send("A", "A1");
        ackAll(s1, sink1);
        send("A", "A2");
        assertThat(sink1.bodies()).containsExactly("A2");

        owner.close().join();
        send("A", "A3");

        assertThat(sink2.bodies()).as("A2 was unsettled: back to the queue, then A3").containsExactly("A2", "A3");
        assertThat(sink2.find("A2").firstOfGroup()).isTrue();
        assertThat(sink2.find("A3").firstOfGroup()).isFalse();
    }

    @Test
    void anAutoSettlingStickyConsumerKeepsItsGroupsToo() {
        RecordingSink sink1 = new RecordingSink();
        RecordingSink sink2 = new RecordingSink();
        tb.session(sink1).consume(Source.queue("q"), ConsumeOptions.credit(100).withAutoSettle(true)
                .withStickyGroups(true)).join();
        tb.session(sink2).consume(Source.queue("q"), ConsumeOptions.credit(100).withAutoSettle(true)
                .withStickyGroups(true)).join();

        send("A", "A1");
        send("A", "A2");
        send("B", "B1");

        assertThat(sink1.bodies()).containsExactly("A1", "A2");
        assertThat(sink2.bodies()).containsExactly("B1");
    }
}
