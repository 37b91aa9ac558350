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

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * While a message of a group is in flight, the group's further messages go only to the receiver holding
 * it, so a group is processed in order by one consumer at a time; a pull's group is blocked until its
 * messages settle.
 */
class MessageGroupOrderingTest {

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

    @Test
    void aGroupInFlightStaysWithOneConsumerAndInOrder() {
        RecordingSink sink1 = new RecordingSink();
        RecordingSink sink2 = new RecordingSink();
        tb.session(sink1).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        tb.session(sink2).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        for (int i = 1; i <= 3; i++) {
            send("A", "A" + i);
            send("B", "B" + i);
            send("A", "A" + (i + 3));
        }

        assertThat(sink1.bodies()).containsExactly("A1", "A4", "A2", "A5", "A3", "A6");
        assertThat(sink2.bodies()).containsExactly("B1", "B2", "B3");
    }

    @Test
    void messagesWaitingForTheGroupOwnerAreNotGivenToAnIdleConsumer() {
        RecordingSink sink1 = new RecordingSink();
        RecordingSink sink2 = new RecordingSink();
        Session s1 = tb.session(sink1);
        s1.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
        tb.session(sink2).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        send("A", "A1");
        send("A", "A2");
        send("A", "A3");

        assertThat(sink1.bodies()).containsExactly("A1");
        assertThat(sink2.bodies()).as("A is in flight at consumer 1").isEmpty();
        assertThat(tb.stats("q").ready()).isEqualTo(2);

        s1.settle(sink1.find("A1"), Outcome.ACCEPT, null).join();

        assertThat(sink2.bodies()).as("the group is free once nothing of it is in flight")
                .containsExactly("A2", "A3");
    }

    @Test
    void ungroupedMessagesFlowAroundABlockedGroup() {
        RecordingSink sink1 = new RecordingSink();
        RecordingSink sink2 = new RecordingSink();
        tb.session(sink1).consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
        tb.session(sink2).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        send("A", "A1");
        send("A", "A2");
        producer.send(Route.queue("q"), TestBroker.text("free"), null).join();

        assertThat(sink2.bodies()).containsExactly("free");
    }

    @Test
    void whenTheOwnerClosesItsGroupMovesOnInOrder() {
        RecordingSink sink1 = new RecordingSink();
        RecordingSink sink2 = new RecordingSink();
        Subscription owner = tb.session(sink1).consume(Source.queue("q"), ConsumeOptions.credit(2)).join();
        tb.session(sink2).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        send("A", "A1");
        send("A", "A2");
        send("A", "A3");
        assertThat(sink1.bodies()).containsExactly("A1", "A2");

        owner.close().join();

        assertThat(sink2.bodies()).containsExactly("A1", "A2", "A3");
    }

    @Test
    void aPulledGroupIsBlockedUntilItsMessageSettles() {
        send("A", "A1");
        send("A", "A2");
        send("B", "B1");
        Session puller = tb.session(new RecordingSink());

        List<Delivery> first = puller.pull("q", new PullOptions(1, 0, 30_000, false)).join();
        assertThat(bodies(first)).containsExactly("A1");

        List<Delivery> second = puller.pull("q", new PullOptions(10, 0, 30_000, false)).join();
        assertThat(bodies(second)).as("A2 waits while A1 is in flight").containsExactly("B1");

        assertThat(puller.pull("q", new PullOptions(10, 0, 30_000, false)).join()).isEmpty();

        puller.settle("q", first.get(0).deliveryId(), Outcome.ACCEPT).join();
        assertThat(bodies(puller.pull("q", new PullOptions(10, 0, 30_000, false)).join())).containsExactly("A2");
    }

    @Test
    void onePullMayTakeSeveralMessagesOfAGroupInOrder() {
        send("A", "A1");
        send("A", "A2");
        send("A", "A3");

        List<Delivery> got = tb.session(new RecordingSink()).pull("q", new PullOptions(10, 0, 30_000, false)).join();

        assertThat(bodies(got)).containsExactly("A1", "A2", "A3");
    }

    @Test
    void aGroupReturnsToTheQueueWhenItsPulledMessageLeaseExpires() {
        send("A", "A1");
        send("A", "A2");
        Session puller = tb.session(new RecordingSink());
        puller.pull("q", new PullOptions(1, 0, 1_000, false)).join();
        assertThat(puller.pull("q", new PullOptions(10, 0, 1_000, false)).join()).isEmpty();

        tb.advance(1_000);

        assertThat(bodies(puller.pull("q", new PullOptions(10, 0, 1_000, false)).join())).containsExactly("A1", "A2");
    }

    private static List<String> bodies(List<Delivery> ds) {
        return ds.stream().map(RecordingSink::text).toList();
    }
}
