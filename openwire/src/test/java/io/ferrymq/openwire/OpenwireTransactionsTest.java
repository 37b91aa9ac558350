package io.ferrymq.openwire;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import org.apache.activemq.ActiveMQXAConnectionFactory;
import org.apache.activemq.command.XATransactionId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Transacted JMS sessions on core transactions; XA is refused with a clear error. */
class OpenwireTransactionsTest {

    private static EmbeddedOpenwireBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedOpenwireBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void sentMessagesAppearOnlyAtCommitAndVanishAtRollback() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = tx.createQueue("tx.send");
            MessageConsumer watcher = plain.createConsumer(q);
            MessageProducer p = tx.createProducer(q);
            p.send(tx.createTextMessage("rolled back"));
            tx.rollback();
            p.send(tx.createTextMessage("committed 1"));
            p.send(tx.createTextMessage("committed 2"));
            assertThat(watcher.receive(300)).isNull();
            tx.commit();
            assertThat(((TextMessage) watcher.receive(10_000)).getText()).isEqualTo("committed 1");
            assertThat(((TextMessage) watcher.receive(10_000)).getText()).isEqualTo("committed 2");
            assertThat(watcher.receive(300)).isNull();
        }
    }

    @Test
    void consumedMessagesLeaveTheQueueOnlyAtCommit() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue q = tx.createQueue("tx.consume");
            MessageProducer p = tx.createProducer(q);
            p.send(tx.createTextMessage("a"));
            p.send(tx.createTextMessage("b"));
            tx.commit();
            MessageConsumer consumer = tx.createConsumer(q);
            assertThat(((TextMessage) consumer.receive(10_000)).getText()).isEqualTo("a");
            tx.rollback();
            TextMessage again = (TextMessage) consumer.receive(10_000);
            assertThat(again.getText()).isEqualTo("a");
            assertThat(again.getJMSRedelivered()).isTrue();
            assertThat(((TextMessage) consumer.receive(10_000)).getText()).isEqualTo("b");
            tx.commit();
            consumer.close();
            assertThat(broker.broker.vhost("/").queue("tx.consume").stats().ready()).isZero();
            assertThat(tx.createConsumer(q).receive(300)).isNull();
        }
    }

    @Test
    void aMessageConsumedAndSentInOneTransactionMovesAtomically() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue in = tx.createQueue("tx.in");
            Queue out = tx.createQueue("tx.out");
            tx.createProducer(in).send(tx.createTextMessage("work"));
            tx.commit();
            TextMessage m = (TextMessage) tx.createConsumer(in).receive(10_000);
            tx.createProducer(out).send(tx.createTextMessage(m.getText() + " done"));
            tx.commit();
            Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThat(((TextMessage) plain.createConsumer(out).receive(10_000)).getText()).isEqualTo("work done");
            assertThat(broker.broker.vhost("/").queue("tx.in").stats().ready()).isZero();
        }
    }

    @Test
    void xaTransactionsAreRefusedWithAClearError() throws Exception {
        ActiveMQXAConnectionFactory f = new ActiveMQXAConnectionFactory("admin", "secret", broker.url());
        try (XAConnection c = f.createXAConnection()) {
            c.start();
            XASession s = c.createXASession();
            XAResource xa = s.getXAResource();
            XATransactionId xid = new XATransactionId();
            xid.setFormatId(1);
            xid.setGlobalTransactionId(new byte[] {1, 2, 3});
            xid.setBranchQualifier(new byte[] {4});
            // The client begins an XA branch without waiting; the first XA command it waits for is refused.
            assertThatThrownBy(() -> {
                xa.start(xid, XAResource.TMNOFLAGS);
                xa.end(xid, XAResource.TMSUCCESS);
                xa.prepare(xid);
            })
                    .isInstanceOf(XAException.class)
                    .satisfies(e -> assertThat(String.valueOf(e.getMessage()) + e.getCause())
                            .contains("XA transactions are not supported"));
        }
    }
}
