package io.ferrymq.amqp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.Connection;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Topics through Qpid JMS: fan-out, durable subscriptions that outlive their connection, shared subscriptions. */
class JmsTopicSubscriptionTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = AmqpClients.brokerServing(AmqpSettings.defaults()).build();

    private Connection connect(String clientId) throws JMSException {
        Connection c = AmqpClients.factory(broker).createConnection();
        if (clientId != null) {
            c.setClientID(clientId);
        }
        c.start();
        return c;
    }

    private static String text(Message m) throws JMSException {
        assertThat(m).as("a message").isNotNull();
        return ((TextMessage) m).getText();
    }

    @Test
    void everySubscriberGetsEachMessage() throws Exception {
        try (Connection c = connect(null)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s.createTopic("news.sport");
            MessageConsumer a = s.createConsumer(t);
            MessageConsumer b = s.createConsumer(t);
            s.createProducer(t).send(s.createTextMessage("goal"));
            Message ma = a.receive(10_000);
            assertThat(text(ma)).isEqualTo("goal");
            assertThat(ma.getJMSDestination()).isEqualTo(t);
            assertThat(text(b.receive(10_000))).isEqualTo("goal");
        }
    }

    @Test
    void messagesPublishedWithNoSubscriberAreNotKept() throws Exception {
        try (Connection c = connect(null)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s.createTopic("nobody.listens");
            s.createProducer(t).send(s.createTextMessage("lost"));
            MessageConsumer late = s.createConsumer(t);
            s.createProducer(t).send(s.createTextMessage("seen"));
            assertThat(text(late.receive(10_000))).isEqualTo("seen");
            assertThat(late.receiveNoWait()).isNull();
        }
    }

    @Test
    void durableSubscriptionKeepsMessagesWhileItsClientIsAway() throws Exception {
        try (Connection c = connect("client-a")) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s.createTopic("prices");
            MessageConsumer sub = s.createDurableSubscriber(t, "watcher");
            s.createProducer(t).send(s.createTextMessage("p1"));
            assertThat(text(sub.receive(10_000))).isEqualTo("p1");
        }
        assertThat(AmqpClients.messagesIn(broker, "client-a.watcher")).isZero();
        try (Connection c = connect(null)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createTopic("prices"));
            p.send(s.createTextMessage("p2"));
            p.send(s.createTextMessage("p3"));
        }
        await().until(() -> AmqpClients.messagesIn(broker, "client-a.watcher") == 2);
        try (Connection c = connect("client-a")) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer sub = s.createDurableSubscriber(s.createTopic("prices"), "watcher");
            assertThat(text(sub.receive(10_000))).isEqualTo("p2");
            assertThat(text(sub.receive(10_000))).isEqualTo("p3");
            sub.close();
            s.unsubscribe("watcher");
        }
        assertThat(AmqpClients.messagesIn(broker, "client-a.watcher")).isEqualTo(-1);
    }

    @Test
    void unsubscribingAnUnknownSubscriptionFails() throws Exception {
        try (Connection c = connect("client-b")) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> s.unsubscribe("never-made")).isInstanceOf(InvalidDestinationException.class);
            // The connection still works.
            Topic t = s.createTopic("after.failure");
            MessageConsumer sub = s.createConsumer(t);
            s.createProducer(t).send(s.createTextMessage("ok"));
            assertThat(text(sub.receive(10_000))).isEqualTo("ok");
        }
    }

    @Test
    void sharedDurableSubscriptionSpreadsMessagesOverItsConsumers() throws Exception {
        try (Connection c1 = connect(null); Connection c2 = connect(null)) {
            Session s1 = c1.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session s2 = c2.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s1.createTopic("jobs");
            MessageConsumer a = s1.createSharedDurableConsumer(t, "workers");
            MessageConsumer b = s2.createSharedDurableConsumer(t, "workers");
            MessageProducer p = s1.createProducer(t);
            for (int i = 0; i < 20; i++) {
                p.send(s1.createTextMessage("job-" + i));
            }
            Set<String> seen = new HashSet<>();
            List<String> byA = drain(a, seen, 20, b);
            assertThat(seen).hasSize(20);
            assertThat(byA).isNotEmpty().hasSizeLessThan(20);
            a.close();
            b.close();
            s1.unsubscribe("workers");
        }
        assertThat(AmqpClients.messagesIn(broker, "workers:global")).isEqualTo(-1);
    }

    @Test
    void sharedNonDurableSubscriptionIsSharedAcrossConnectionsAndGoesWithTheLastConsumer() throws Exception {
        try (Connection c1 = connect(null); Connection c2 = connect(null)) {
            Session s1 = c1.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session s2 = c2.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s1.createTopic("events");
            MessageConsumer a = s1.createSharedConsumer(t, "listeners");
            MessageConsumer b = s2.createSharedConsumer(t, "listeners");
            MessageProducer p = s1.createProducer(t);
            for (int i = 0; i < 20; i++) {
                p.send(s1.createTextMessage("e-" + i));
            }
            Set<String> seen = new HashSet<>();
            List<String> byA = drain(a, seen, 20, b);
            assertThat(seen).hasSize(20);
            assertThat(byA).isNotEmpty().hasSizeLessThan(20);
            a.close();
            b.close();
        }
        await().until(() -> AmqpClients.messagesIn(broker, "listeners:global-volatile") == -1);
    }

    @Test
    void noLocalSubscriberDoesNotSeeItsOwnConnectionsMessages() throws Exception {
        try (Connection mine = connect(null); Connection other = connect(null)) {
            Session s = mine.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic t = s.createTopic("chat");
            MessageConsumer sub = s.createConsumer(t, null, true);
            s.createProducer(t).send(s.createTextMessage("from me"));
            Session o = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
            o.createProducer(t).send(o.createTextMessage("from someone else"));
            assertThat(text(sub.receive(10_000))).isEqualTo("from someone else");
            assertThat(sub.receive(200)).isNull();
        }
    }

    /** Receives {@code total} messages from two consumers, alternating; returns what {@code a} got. */
    private static List<String> drain(MessageConsumer a, Set<String> seen, int total, MessageConsumer b)
            throws JMSException {
        List<String> byA = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (seen.size() < total && System.currentTimeMillis() < deadline) {
            Message m = a.receive(100);
            if (m != null) {
                byA.add(text(m));
                seen.add(text(m));
            }
            m = b.receive(100);
            if (m != null) {
                seen.add(text(m));
            }
        }
        return byA;
    }
}
