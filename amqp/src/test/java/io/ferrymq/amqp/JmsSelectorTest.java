package io.ferrymq.amqp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** JMS selectors from the apache.org:selector-filter:string source filter, on queues and topics. */
class JmsSelectorTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = AmqpClients.brokerServing(AmqpSettings.defaults()).build();

    private static TextMessage message(Session s, String text, String colour, int size) throws Exception {
        TextMessage m = s.createTextMessage(text);
        m.setStringProperty("colour", colour);
        m.setIntProperty("size", size);
        return m;
    }

    @Test
    void queueConsumerWithASelectorTakesOnlyMatchingMessagesAndLeavesTheRest() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("paint");
            MessageProducer p = s.createProducer(q);
            p.send(message(s, "small red", "red", 1));
            p.send(message(s, "big blue", "blue", 10));
            p.send(message(s, "big red", "red", 10));
            MessageConsumer bigRed = s.createConsumer(q, "colour = 'red' AND size > 5");
            assertThat(((TextMessage) bigRed.receive(10_000)).getText()).isEqualTo("big red");
            assertThat(bigRed.receive(200)).isNull();
            bigRed.close();
            await().until(() -> AmqpClients.messagesIn(broker, "paint") == 2);
            MessageConsumer rest = s.createConsumer(q);
            assertThat(((TextMessage) rest.receive(10_000)).getText()).isEqualTo("small red");
            assertThat(((TextMessage) rest.receive(10_000)).getText()).isEqualTo("big blue");
        }
    }

    @Test
    void topicSubscriberWithASelectorSeesOnlyMatchingMessages() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s.createTopic("paint.events");
            MessageConsumer blue = s.createConsumer(t, "colour = 'blue'");
            MessageConsumer all = s.createConsumer(t);
            MessageProducer p = s.createProducer(t);
            p.send(message(s, "red one", "red", 1));
            p.send(message(s, "blue one", "blue", 1));
            assertThat(((TextMessage) blue.receive(10_000)).getText()).isEqualTo("blue one");
            assertThat(blue.receive(200)).isNull();
            assertThat(((TextMessage) all.receive(10_000)).getText()).isEqualTo("red one");
            assertThat(((TextMessage) all.receive(10_000)).getText()).isEqualTo("blue one");
        }
    }

    @Test
    void durableSubscriptionWithASelectorStoresOnlyMatchingMessages() throws Exception {
        try (Connection c = AmqpClients.factory(broker).createConnection()) {
            c.setClientID("selective");
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s.createTopic("sizes");
            s.createDurableSubscriber(t, "large", "size >= 10", false).close();
            MessageProducer p = s.createProducer(t);
            p.send(message(s, "s", "red", 1));
            p.send(message(s, "l", "red", 10));
            await().until(() -> AmqpClients.messagesIn(broker, "selective.large") == 1);
            c.start();
            MessageConsumer sub = s.createDurableSubscriber(t, "large", "size >= 10", false);
            Message m = sub.receive(10_000);
            assertThat(((TextMessage) m).getText()).isEqualTo("l");
        }
    }

    @Test
    void selectorOnHeadersMatchesJmsFields() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("typed");
            MessageProducer p = s.createProducer(q);
            TextMessage a = s.createTextMessage("a");
            a.setJMSType("alpha");
            TextMessage b = s.createTextMessage("b");
            b.setJMSType("beta");
            b.setJMSCorrelationID("c-2");
            p.send(a);
            p.send(b, jakarta.jms.DeliveryMode.NON_PERSISTENT, 7, 0);
            MessageConsumer cons = s.createConsumer(q, "JMSType = 'beta' AND JMSPriority = 7 AND JMSCorrelationID = 'c-2'");
            assertThat(((TextMessage) cons.receive(10_000)).getText()).isEqualTo("b");
        }
    }
}
