package io.ferrymq.amqp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Transacted JMS sessions over the AMQP coordinator link: sends and acknowledgements commit or roll back together. */
class JmsTransactionTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = AmqpClients.brokerServing(AmqpSettings.defaults()).build();

    @Test
    void transactedSendsAreInvisibleUntilCommit() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue q = tx.createQueue("tx.sends");
            MessageProducer p = tx.createProducer(q);
            p.send(tx.createTextMessage("one"));
            p.send(tx.createTextMessage("two"));
            Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = plain.createConsumer(q);
            assertThat(consumer.receive(300)).isNull();
            assertThat(AmqpClients.messagesIn(broker, "tx.sends")).isZero();
            tx.commit();
            assertThat(((TextMessage) consumer.receive(10_000)).getText()).isEqualTo("one");
            assertThat(((TextMessage) consumer.receive(10_000)).getText()).isEqualTo("two");
        }
    }

    @Test
    void rolledBackSendsAreDiscarded() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue q = tx.createQueue("tx.rollback");
            MessageProducer p = tx.createProducer(q);
            p.send(tx.createTextMessage("never"));
            tx.rollback();
            p.send(tx.createTextMessage("kept"));
            tx.commit();
            Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = plain.createConsumer(q);
            assertThat(((TextMessage) consumer.receive(10_000)).getText()).isEqualTo("kept");
            assertThat(consumer.receive(300)).isNull();
        }
    }

    @Test
    void committedAcknowledgementsRemoveMessagesAndRolledBackOnesRedeliverThem() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = plain.createQueue("tx.acks");
            MessageProducer p = plain.createProducer(q);
            p.send(plain.createTextMessage("a"));
            p.send(plain.createTextMessage("b"));

            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = tx.createConsumer(q);
            Message first = consumer.receive(10_000);
            assertThat(((TextMessage) first).getText()).isEqualTo("a");
            assertThat(first.getJMSRedelivered()).isFalse();
            tx.rollback();

            Message again = consumer.receive(10_000);
            assertThat(((TextMessage) again).getText()).isEqualTo("a");
            assertThat(again.getJMSRedelivered()).isTrue();
            Message second = consumer.receive(10_000);
            assertThat(((TextMessage) second).getText()).isEqualTo("b");
            tx.commit();
            consumer.close();
        }
        await().until(() -> AmqpClients.messagesIn(broker, "tx.acks") == 0);
    }

    @Test
    void sendsAndAcknowledgementsCommitTogether() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue in = plain.createQueue("tx.in");
            Queue out = plain.createQueue("tx.out");
            plain.createProducer(in).send(plain.createTextMessage("work"));

            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            Message m = tx.createConsumer(in).receive(10_000);
            tx.createProducer(out).send(tx.createTextMessage("done: " + ((TextMessage) m).getText()));
            assertThat(AmqpClients.messagesIn(broker, "tx.out")).isZero();
            tx.commit();
            await().until(() -> AmqpClients.messagesIn(broker, "tx.in") == 0
                    && AmqpClients.messagesIn(broker, "tx.out") == 1);
            MessageConsumer results = plain.createConsumer(out);
            assertThat(((TextMessage) results.receive(10_000)).getText()).isEqualTo("done: work");
        }
    }
}
