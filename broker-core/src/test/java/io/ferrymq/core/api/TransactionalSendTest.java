package io.ferrymq.core.api;

import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** Messages sent in a transaction are invisible until it commits, and gone if it rolls back. */
class TransactionalSendTest {

    private TestBroker tb;
    private RecordingSink consumerSink;
    private Session producer;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        producer = tb.session(new RecordingSink());
        producer.admin().declareQueue(QueueDeclaration.durable("q")).join();
        consumerSink = new RecordingSink();
        tb.session(consumerSink).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void sendsAreInvisibleUntilCommit() {
        Tx tx = producer.begin();

        producer.send(Route.queue("q"), TestBroker.text("1"), tx).join();
        producer.send(Route.queue("q"), TestBroker.text("2"), tx).join();

        assertThat(consumerSink.deliveries()).isEmpty();
        assertThat(tb.stats("q").total()).isZero();
        assertThat(tx.size()).isEqualTo(2);
    }

    @Test
    void commitMakesThemVisibleInOrder() {
        Tx tx = producer.begin();
        producer.send(Route.queue("q"), TestBroker.text("1"), tx).join();
        producer.send(Route.queue("q"), TestBroker.text("2"), tx).join();

        producer.commit(tx).join();

        assertThat(consumerSink.bodies()).containsExactly("1", "2");
        assertThat(tx.isOpen()).isFalse();
    }

    @Test
    void rollbackDiscardsThem() {
        Tx tx = producer.begin();
        producer.send(Route.queue("q"), TestBroker.text("1"), tx).join();

        producer.rollback(tx).join();

        assertThat(consumerSink.deliveries()).isEmpty();
        assertThat(tb.stats("q").total()).isZero();
        assertThat(tb.stats("q").enqueued()).isZero();
    }

    @Test
    void sendsOutsideTheTransactionAreNotHeldBack() {
        Tx tx = producer.begin();
        producer.send(Route.queue("q"), TestBroker.text("in tx"), tx).join();

        producer.send(Route.queue("q"), TestBroker.text("plain"), null).join();

        assertThat(consumerSink.bodies()).containsExactly("plain");
    }

    @Test
    void anEndedTransactionCannotBeUsedAgain() {
        Tx tx = producer.begin();
        producer.commit(tx).join();

        failsWith(producer.send(Route.queue("q"), TestBroker.text("late"), tx), ErrorCode.ILLEGAL_STATE);
        failsWith(producer.commit(tx), ErrorCode.ILLEGAL_STATE);
        failsWith(producer.rollback(tx), ErrorCode.ILLEGAL_STATE);
    }

    @Test
    void aTransactionBelongsToTheSessionThatBeganIt() {
        Tx tx = producer.begin();
        Session other = tb.session(new RecordingSink());

        failsWith(other.send(Route.queue("q"), TestBroker.text("m"), tx), ErrorCode.ILLEGAL_STATE);
        failsWith(other.commit(tx), ErrorCode.ILLEGAL_STATE);
        assertThat(tx.isOpen()).isTrue();
    }

    @Test
    void closingTheSessionRollsBackItsOpenTransaction() {
        Tx tx = producer.begin();
        producer.send(Route.queue("q"), TestBroker.text("m"), tx).join();

        producer.close();

        assertThat(tx.isOpen()).isFalse();
        assertThat(tb.stats("q").total()).isZero();
    }
}
