package io.ferrymq.openwire;

import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQMessageConsumer;
import org.apache.activemq.RedeliveryPolicy;
import org.apache.activemq.advisory.AdvisorySupport;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTextMessage;
import org.apache.activemq.command.ActiveMQTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ActiveMQ's advisories of messages that expired ({@code ActiveMQ.Advisory.Expired.Queue.X}/{@code .Topic.X}) and of
 * messages moved to the dead-letter queue ({@code ActiveMQ.Advisory.MessageDLQd.Queue.X}): the advisory carries a copy
 * of the message, without its body, as its data structure, and the expiry advisory its id in {@code orignalMessageId}.
 */
class OpenwireMessageAdvisoriesTest {

    private static EmbeddedOpenwireBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedOpenwireBroker.start(List.of(AddressPolicy.matching("#")
                .withDeadLetter(DeadLetterTarget.queue("ActiveMQ.DLQ"))), s -> s);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** Sends a message that lives {@code ttl} ms, and waits until it has expired by the clock. */
    private static TextMessage sendExpiring(Session s, jakarta.jms.Destination d, String body, long ttl) throws Exception {
        MessageProducer p = s.createProducer(d);
        TextMessage m = s.createTextMessage(body);
        m.setStringProperty("orderId", "o-17");
        p.send(m, DeliveryMode.PERSISTENT, 4, ttl);
        long expiration = m.getJMSExpiration();
        await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > expiration + 5);
        return m;
    }

    @Test
    void aMessageThatExpiresInAQueueIsAdvisedOnItsExpiredTopic() throws Exception {
        ActiveMQQueue queue = new ActiveMQQueue("adv.expiring");
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer advisories = s.createConsumer(AdvisorySupport.getExpiredMessageTopic(queue));
            assertThat(AdvisorySupport.getExpiredMessageTopic(queue).getPhysicalName())
                    .isEqualTo("ActiveMQ.Advisory.Expired.Queue.adv.expiring");
            TextMessage sent = sendExpiring(s, queue, "too late", 50);

            // The broker finds it expired when it would deliver it.
            MessageConsumer consumer = s.createConsumer(queue);
            ActiveMQMessage advisory = (ActiveMQMessage) advisories.receive(10_000);
            assertThat(advisory).isNotNull();
            assertThat(consumer.receiveNoWait()).isNull();

            assertThat(advisory.getJMSDestination()).isEqualTo(AdvisorySupport.getExpiredMessageTopic(queue));
            assertThat(advisory.getStringProperty(AdvisorySupport.MSG_PROPERTY_MESSAGE_ID))
                    .isEqualTo(sent.getJMSMessageID());
            assertThat(advisory.getDataStructure()).isInstanceOf(ActiveMQTextMessage.class);
            ActiveMQTextMessage payload = (ActiveMQTextMessage) advisory.getDataStructure();
            assertThat(payload.getJMSMessageID()).isEqualTo(sent.getJMSMessageID());
            assertThat(payload.getStringProperty("orderId")).isEqualTo("o-17");
            assertThat(payload.getJMSDestination()).isEqualTo(queue);
            assertThat(payload.getText()).as("the body stays out of the advisory, as in ActiveMQ").isNull();
        }
    }

    @Test
    void aMessageThatExpiresInATopicSubscriptionIsAdvisedOnTheTopicsExpiredTopic() throws Exception {
        ActiveMQTopic topic = new ActiveMQTopic("adv.expiring.prices");
        ActiveMQConnectionFactory f = broker.factory();
        f.setClientID("adv-expiry-client");
        try (Connection c = f.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer advisories = s.createConsumer(new ActiveMQTopic("ActiveMQ.Advisory.Expired.Topic.>"));
            s.createDurableSubscriber(topic, "slow").close();
            TextMessage sent = sendExpiring(s, topic, "stale price", 50);

            MessageConsumer subscriber = s.createDurableSubscriber(topic, "slow");
            ActiveMQMessage advisory = (ActiveMQMessage) advisories.receive(10_000);
            assertThat(advisory).isNotNull();
            assertThat(subscriber.receiveNoWait()).isNull();
            assertThat(advisory.getJMSDestination()).isEqualTo(AdvisorySupport.getExpiredMessageTopic(topic));
            assertThat(((Message) advisory.getDataStructure()).getJMSMessageID()).isEqualTo(sent.getJMSMessageID());
            subscriber.close();
            s.unsubscribe("slow");
        }
    }

    @Test
    void aMessageTheClientGivesUpOnIsAdvisedOnItsMessageDLQdTopic() throws Exception {
        ActiveMQQueue queue = new ActiveMQQueue("adv.poison");
        ActiveMQConnectionFactory f = broker.factory();
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(1);
        policy.setInitialRedeliveryDelay(0);
        policy.setRedeliveryDelay(0);
        f.setRedeliveryPolicy(policy);
        try (Connection c = f.createConnection()) {
            c.start();
            Session watching = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer advisories = watching.createConsumer(AdvisorySupport.getMessageDLQdAdvisoryTopic(queue));
            assertThat(AdvisorySupport.getMessageDLQdAdvisoryTopic(queue).getPhysicalName())
                    .isEqualTo("ActiveMQ.Advisory.MessageDLQd.Queue.adv.poison");
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            TextMessage sent = s.createTextMessage("poison");
            sent.setStringProperty("orderId", "o-18");
            s.createProducer(queue).send(sent);
            s.commit();

            MessageConsumer consumer = s.createConsumer(queue);
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThat(consumer.receive(10_000)).as("delivery %d", attempt + 1).isNotNull();
                s.rollback();
            }

            ActiveMQMessage advisory = (ActiveMQMessage) advisories.receive(10_000);
            assertThat(advisory).as("past the maximum redeliveries the message goes to the DLQ").isNotNull();
            assertThat(advisory.getJMSDestination()).isEqualTo(AdvisorySupport.getMessageDLQdAdvisoryTopic(queue));
            ActiveMQTextMessage payload = (ActiveMQTextMessage) advisory.getDataStructure();
            assertThat(payload.getJMSMessageID()).isEqualTo(sent.getJMSMessageID());
            assertThat(payload.getStringProperty("orderId")).isEqualTo("o-18");
            assertThat(payload.getText()).isNull();
            consumer.close();
            TextMessage dead = (TextMessage) s.createConsumer(new ActiveMQQueue("ActiveMQ.DLQ")).receive(10_000);
            assertThat(dead.getText()).isEqualTo("poison");
            s.commit();
        }
    }

    @Test
    void aMessageThatExpiresInTheClientsPrefetchIsAnExpiryNotADeadLetter() throws Exception {
        ActiveMQQueue queue = new ActiveMQQueue("adv.expired.in.prefetch");
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer expiries = s.createConsumer(AdvisorySupport.getExpiredMessageTopic(queue));
            MessageConsumer deadLetters = s.createConsumer(AdvisorySupport.getMessageDLQdAdvisoryTopic(queue));
            ActiveMQMessageConsumer consumer = (ActiveMQMessageConsumer) s.createConsumer(queue);
            TextMessage sent = s.createTextMessage("read too late");
            s.createProducer(queue).send(sent, DeliveryMode.PERSISTENT, 4, 1_000);
            // In the client's prefetch before it expires: the client finds it expired, not the broker.
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.getMessageSize() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > sent.getJMSExpiration() + 5);

            assertThat(consumer.receive(500)).as("the client drops it and acknowledges it as expired").isNull();

            ActiveMQMessage advisory = (ActiveMQMessage) expiries.receive(10_000);
            assertThat(advisory).as("an expiry, advised as one").isNotNull();
            assertThat(advisory.getStringProperty(AdvisorySupport.MSG_PROPERTY_MESSAGE_ID))
                    .isEqualTo(sent.getJMSMessageID());
            assertThat(deadLetters.receive(500)).as("not a dead letter: no expiry target is configured").isNull();
            consumer.close();
            try (MessageConsumer dlq = s.createConsumer(new ActiveMQQueue("ActiveMQ.DLQ"),
                    "JMSMessageID = '" + sent.getJMSMessageID() + "'")) {
                assertThat(dlq.receive(500)).isNull();
            }
        }
    }

    @Test
    void noAdvisoryIsSentWhereNoOneWatches() throws Exception {
        ActiveMQQueue queue = new ActiveMQQueue("adv.unwatched");
        ActiveMQQueue other = new ActiveMQQueue("adv.watched");
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer advisories = s.createConsumer(AdvisorySupport.getExpiredMessageTopic(other));
            sendExpiring(s, queue, "unwatched", 50);
            MessageConsumer consumer = s.createConsumer(queue);
            assertThat(consumer.receive(500)).isNull();
            sendExpiring(s, other, "watched", 50);
            s.createConsumer(other);

            ActiveMQMessage advisory = (ActiveMQMessage) advisories.receive(10_000);
            assertThat(((TextMessage) advisory.getDataStructure()).getJMSDestination()).isEqualTo(other);
            assertThat(advisories.receive(300)).isNull();
        }
    }
}
