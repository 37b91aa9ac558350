package io.ferrymq.tests.openwire;

import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.openwire.OpenwireProtocol;
import io.ferrymq.openwire.OpenwireSettings;
import io.ferrymq.stomp.StompProtocol;
import io.ferrymq.stomp.StompSettings;
import io.ferrymq.tests.support.StompTestClient;
import io.ferrymq.transport.testing.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.RedeliveryPolicy;
import org.apache.activemq.advisory.AdvisorySupport;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.ActiveMQQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.simp.stomp.StompHeaders;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The core tells the OpenWire adapter of every message that expires or is dead-lettered, so ActiveMQ's
 * {@code Expired} and {@code MessageDLQd} advisories cover messages that STOMP clients sent.
 */
class CrossProtocolMessageAdvisoriesTest {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.builder()
                .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
                .protocol(b -> new OpenwireProtocol(b, OpenwireSettings.defaults()))
                .tcp("mixed", StompProtocol.NAME, OpenwireProtocol.NAME)
                .policy(AddressPolicy.matching("#").withDeadLetter(DeadLetterTarget.queue("DLQ")))
                .policy(AddressPolicy.matching("xadv.limit.#").withMaxDeliveries(1))
                .start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static ActiveMQConnectionFactory factory() {
        return new ActiveMQConnectionFactory("guest", "guest", "tcp://127.0.0.1:" + broker.port("mixed"));
    }

    private static StompHeaders sendTo(String queue) {
        StompHeaders h = new StompHeaders();
        h.setDestination("/queue/" + queue);
        h.set("orderId", "o-42");
        return h;
    }

    @Test
    void aStompMessageThatExpiresIsAdvisedToAnOpenwireWatcher() throws Exception {
        String q = "xadv-exp-" + UUID.randomUUID();
        try (Connection c = factory().createConnection(); StompTestClient stomp = StompTestClient.connect(broker.port("mixed"))) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer advisories = s.createConsumer(AdvisorySupport.getExpiredMessageTopic(new ActiveMQQueue(q)));
            long expires = System.currentTimeMillis() + 50;
            StompHeaders h = sendTo(q);
            h.set("expires", Long.toString(expires));
            stomp.send(h, "from stomp");
            await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > expires + 5);

            MessageConsumer consumer = s.createConsumer(new ActiveMQQueue(q));
            ActiveMQMessage advisory = (ActiveMQMessage) advisories.receive(10_000);
            assertThat(advisory).isNotNull();
            assertThat(consumer.receiveNoWait()).isNull();
            ActiveMQMessage payload = (ActiveMQMessage) advisory.getDataStructure();
            assertThat(payload.getStringProperty("orderId")).isEqualTo("o-42");
            assertThat(payload.getJMSDestination()).isEqualTo(new ActiveMQQueue(q));
            assertThat(advisory.getStringProperty(AdvisorySupport.MSG_PROPERTY_MESSAGE_ID))
                    .isEqualTo(payload.getJMSMessageID());
        }
    }

    @Test
    void aStompMessageAnOpenwireConsumerGivesUpOnIsAdvisedWhenItGoesToTheDeadLetterQueue() throws Exception {
        String q = "xadv-dlq-" + UUID.randomUUID();
        ActiveMQConnectionFactory f = factory();
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(1);
        policy.setInitialRedeliveryDelay(0);
        policy.setRedeliveryDelay(0);
        f.setRedeliveryPolicy(policy);
        try (Connection c = f.createConnection(); StompTestClient stomp = StompTestClient.connect(broker.port("mixed"))) {
            c.start();
            Session watching = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer advisories = watching.createConsumer(
                    AdvisorySupport.getMessageDLQdAdvisoryTopic(new ActiveMQQueue(q)));
            stomp.send(sendTo(q), "poison from stomp");

            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = s.createConsumer(new ActiveMQQueue(q));
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThat(consumer.receive(10_000)).as("delivery %d", attempt + 1).isNotNull();
                s.rollback();
            }

            ActiveMQMessage advisory = (ActiveMQMessage) advisories.receive(10_000);
            assertThat(advisory).isNotNull();
            ActiveMQMessage payload = (ActiveMQMessage) advisory.getDataStructure();
            assertThat(payload.getStringProperty("orderId")).isEqualTo("o-42");
            assertThat(payload.getContent()).as("the body stays out of the advisory").isNull();
            consumer.close();
            jakarta.jms.Message dead = s.createConsumer(new ActiveMQQueue("DLQ")).receive(10_000);
            assertThat(dead.getStringProperty("orderId")).isEqualTo("o-42");
            s.commit();
        }
    }

    @Test
    void aStompMessageNackedPastTheQueuesDeliveryLimitIsAdvisedOnTheMessageDLQdTopic() throws Exception {
        String q = "xadv.limit." + UUID.randomUUID();
        try (Connection c = factory().createConnection(); StompTestClient stomp = StompTestClient.connect(broker.port("mixed"))) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer advisories = s.createConsumer(new org.apache.activemq.command.ActiveMQTopic(
                    "ActiveMQ.Advisory.MessageDLQd.Queue.>"));
            StompHeaders sub = new StompHeaders();
            sub.setDestination("/queue/" + q);
            sub.set("ack", "client-individual");
            var inbox = stomp.subscribe(sub);
            stomp.send(sendTo(q), "rejected");
            var frame = inbox.poll(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(frame).isNotNull();
            stomp.nack(frame);

            ActiveMQMessage advisory = (ActiveMQMessage) advisories.receive(10_000);
            assertThat(advisory).isNotNull();
            assertThat(advisory.getJMSDestination()).isEqualTo(
                    AdvisorySupport.getMessageDLQdAdvisoryTopic(new ActiveMQQueue(q)));
        }
    }
}
