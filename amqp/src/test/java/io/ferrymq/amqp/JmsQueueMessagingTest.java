package io.ferrymq.amqp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import static org.assertj.core.api.Assertions.assertThat;

/** Qpid JMS producers and consumers on queues: point-to-point delivery, ordering, persistence flags. */
class JmsQueueMessagingTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = AmqpClients.brokerServing(AmqpSettings.defaults()).build();

    @Test
    void textMessagesSentToAQueueArriveInOrder() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("orders");
            MessageProducer p = s.createProducer(q);
            for (int i = 0; i < 20; i++) {
                p.send(s.createTextMessage("order-" + i));
            }
            MessageConsumer consumer = s.createConsumer(q);
            for (int i = 0; i < 20; i++) {
                Message m = consumer.receive(10_000);
                assertThat(m).isInstanceOf(TextMessage.class);
                assertThat(((TextMessage) m).getText()).isEqualTo("order-" + i);
                assertThat(m.getJMSDestination()).isEqualTo(q);
                assertThat(m.getJMSRedelivered()).isFalse();
            }
            assertThat(consumer.receiveNoWait()).isNull();
        }
        org.awaitility.Awaitility.await().until(() -> AmqpClients.messagesIn(broker, "orders") == 0);
    }

    @Test
    void persistentMessageIsAcceptedAndKeepsItsDeliveryMode() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("durable.things");
            MessageProducer p = s.createProducer(q);
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            p.send(s.createTextMessage("keep me"));
            assertThat(AmqpClients.messagesIn(broker, "durable.things")).isEqualTo(1);
            Message m = s.createConsumer(q).receive(10_000);
            assertThat(m.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
            assertThat(((TextMessage) m).getText()).isEqualTo("keep me");
        }
    }
}
