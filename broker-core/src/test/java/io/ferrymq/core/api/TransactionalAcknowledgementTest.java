package io.ferrymq.core.api;

import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.QueueStats;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Settlements in a transaction take effect at commit; a rollback puts the deliveries back in their queue
 * as redeliveries.
 */
class TransactionalAcknowledgementTest {

    private TestBroker tb;
    private RecordingSink sink;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        sink = new RecordingSink();
        s = tb.session(sink);
        s.send(Route.queue("q"), TestBroker.text("1"), null).join();
        s.send(Route.queue("q"), TestBroker.text("2"), null).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void anAckInATransactionWaitsForTheCommit() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        Tx tx = s.begin();

        s.settle(sink.find("1"), Outcome.ACCEPT, tx).join();

        QueueStats before = tb.stats("q");
        assertThat(before.inFlight()).isEqualTo(2);
        assertThat(before.acknowledged()).isZero();

        s.commit(tx).join();

        QueueStats after = tb.stats("q");
        assertThat(after.inFlight()).isEqualTo(1);
        assertThat(after.acknowledged()).isEqualTo(1);
    }

    @Test
    void rollbackPutsAcknowledgedMessagesBackAsRedeliveries() {
        Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(2)).join();
        Tx tx = s.begin();
        s.settle(sink.find("1"), Outcome.ACCEPT, tx).join();
        s.settle(sink.find("2"), Outcome.ACCEPT, tx).join();
        sink.take();

        s.rollback(tx).join();
        sub.credit(2);

        assertThat(sink.bodies()).containsExactly("1", "2");
        Delivery again = sink.find("1");
        assertThat(again.redelivered()).isTrue();
        assertThat(again.deliveryCount()).isEqualTo(2);
        assertThat(tb.stats("q").acknowledged()).isZero();
    }

    @Test
    void sendsAndAcksCommitTogether() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
        Tx tx = s.begin();
        s.settle(sink.find("1"), Outcome.ACCEPT, tx).join();
        s.send(Route.queue("out"), TestBroker.text("result"), tx).join();
        assertThat(tb.queue("out")).as("nothing happens before the commit").isNull();

        s.commit(tx).join();

        assertThat(tb.stats("out").ready()).isEqualTo(1);
        assertThat(tb.stats("q").acknowledged()).isEqualTo(1);
    }

    @Test
    void aRejectInATransactionAppliesAtCommit() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
        Tx tx = s.begin();
        s.settle(sink.find("1"), Outcome.reject("bad"), tx).join();
        assertThat(tb.stats("q").dropped()).isZero();

        s.commit(tx).join();

        assertThat(tb.stats("q").dropped()).isEqualTo(1);
    }

    @Test
    void aCommittedAckOfADeliveryWhoseConsumerClosedMeanwhileStillApplies() {
        Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
        Tx tx = s.begin();
        s.settle(sink.find("1"), Outcome.ACCEPT, tx).join();
        sub.close().join();

        s.commit(tx).join();
        long inMemory = tb.stats("q").total();
        assertThat(inMemory).as("the transaction held delivery 1, so its ack applied; 2 is still queued").isEqualTo(1);

        TestBroker restarted = tb.restart(TestBroker.builder());
        tb = restarted;
        assertThat(restarted.stats("q").total()).as("recovered count equals the count before the restart")
                .isEqualTo(inMemory);
    }
}
