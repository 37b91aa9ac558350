package io.ferrymq.amqp;

import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.vhost.QueueDeclaration;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Queue features through Qpid JMS: CLIENT_ACKNOWLEDGE, temporary queues for request/reply, browsing,
 * priority, time to live, dead-lettering after max deliveries, and 10 MiB messages.
 */
class JmsQueueFeaturesTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = AmqpClients.brokerServing(AmqpSettings.defaults())
            .policy(AddressPolicy.matching("poison").withMaxDeliveries(3)
                    .withDeadLetter(DeadLetterTarget.queue("poison.dlq")))
            .policy(AddressPolicy.matching("perishable").withExpiry(DeadLetterTarget.queue("expired")))
            .build();

    /** The broker's x-death properties are not JMS identifiers: Qpid JMS reads them with validation off. */
    private Connection deadLetterReader() throws Exception {
        Connection c = AmqpClients.factory(broker, "jms.validatePropertyNames=false").createConnection();
        c.start();
        return c;
    }

    private static String text(Message m) throws Exception {
        assertThat(m).as("a message").isNotNull();
        return ((TextMessage) m).getText();
    }

    @Test
    void clientAcknowledgeAcknowledgesEverythingReceivedAndUnacknowledgedMessagesComeBack() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("manual"));
            for (int i = 0; i < 4; i++) {
                p.send(s.createTextMessage("m" + i));
            }
        }
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("manual"));
            assertThat(text(consumer.receive(10_000))).isEqualTo("m0");
            Message second = consumer.receive(10_000);
            assertThat(text(second)).isEqualTo("m1");
            // JMS: acknowledging one message acknowledges every message the session received so far.
            second.acknowledge();
            assertThat(text(consumer.receive(10_000))).isEqualTo("m2");
            // m2 and m3 (prefetched) stay unacknowledged when the connection goes.
        }
        await().until(() -> AmqpClients.messagesIn(broker, "manual") == 2);
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("manual"));
            Message m2 = consumer.receive(10_000);
            assertThat(text(m2)).isEqualTo("m2");
            assertThat(m2.getJMSRedelivered()).isTrue();
            assertThat(text(consumer.receive(10_000))).isEqualTo("m3");
            m2.acknowledge();
        }
        await().until(() -> AmqpClients.messagesIn(broker, "manual") == 0);
    }

    @Test
    void temporaryQueueCarriesRepliesAndGoesWithItsConnection() throws Exception {
        String replyQueueName;
        try (Connection server = AmqpClients.connect(broker); Connection client = AmqpClients.connect(broker)) {
            Session ss = server.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer requests = ss.createConsumer(ss.createQueue("rpc"));
            MessageProducer replies = ss.createProducer(null);

            Session cs = client.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replyTo = cs.createTemporaryQueue();
            replyQueueName = replyTo.getQueueName();
            MessageConsumer replyConsumer = cs.createConsumer(replyTo);
            TextMessage request = cs.createTextMessage("2+2");
            request.setJMSReplyTo(replyTo);
            request.setJMSCorrelationID("req-1");
            cs.createProducer(cs.createQueue("rpc")).send(request);

            Message got = requests.receive(10_000);
            assertThat(text(got)).isEqualTo("2+2");
            assertThat(got.getJMSReplyTo()).isInstanceOf(jakarta.jms.Queue.class);
            TextMessage answer = ss.createTextMessage("4");
            answer.setJMSCorrelationID(got.getJMSCorrelationID());
            replies.send(got.getJMSReplyTo(), answer);

            Message reply = replyConsumer.receive(10_000);
            assertThat(text(reply)).isEqualTo("4");
            assertThat(reply.getJMSCorrelationID()).isEqualTo("req-1");
            assertThat(broker.broker().vhost("/").queue(replyQueueName)).isNotNull();
        }
        await().until(() -> broker.broker().vhost("/").queue(replyQueueName) == null);
    }

    @Test
    void browserSeesMessagesWithoutTakingThem() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("browsed");
            MessageProducer p = s.createProducer(q);
            for (int i = 0; i < 3; i++) {
                p.send(s.createTextMessage("b" + i));
            }
            QueueBrowser browser = s.createBrowser(q);
            List<String> seen = new ArrayList<>();
            for (Object m : Collections.list(browser.getEnumeration())) {
                seen.add(((TextMessage) m).getText());
            }
            browser.close();
            assertThat(seen).containsExactly("b0", "b1", "b2");
            assertThat(AmqpClients.messagesIn(broker, "browsed")).isEqualTo(3);
            assertThat(text(s.createConsumer(q).receive(10_000))).isEqualTo("b0");
        }
    }

    @Test
    void higherPriorityMessagesAreDeliveredFirst() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("prioritised");
            MessageProducer p = s.createProducer(q);
            p.send(s.createTextMessage("low"), DeliveryMode.NON_PERSISTENT, 1, 0);
            p.send(s.createTextMessage("normal"), DeliveryMode.NON_PERSISTENT, 4, 0);
            p.send(s.createTextMessage("urgent"), DeliveryMode.NON_PERSISTENT, 9, 0);
            await().until(() -> AmqpClients.messagesIn(broker, "prioritised") == 3);
            MessageConsumer consumer = s.createConsumer(q);
            Message first = consumer.receive(10_000);
            assertThat(text(first)).isEqualTo("urgent");
            assertThat(first.getJMSPriority()).isEqualTo(9);
            assertThat(text(consumer.receive(10_000))).isEqualTo("normal");
            assertThat(text(consumer.receive(10_000))).isEqualTo("low");
        }
    }

    @Test
    void expiredMessagesAreNotDeliveredAndGoToTheExpiryQueue() throws Exception {
        broker.broker().vhost("/").declareQueue(QueueDeclaration.durable("expired"), 0);
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("perishable");
            MessageProducer p = s.createProducer(q);
            long ttl = 300;
            long sentAt = System.currentTimeMillis();
            p.send(s.createTextMessage("short-lived"), DeliveryMode.NON_PERSISTENT, 4, ttl);
            p.send(s.createTextMessage("long-lived"), DeliveryMode.NON_PERSISTENT, 4, 600_000);
            // Wait until the first has certainly expired (a condition, not a guess at scheduling).
            await().until(() -> System.currentTimeMillis() > sentAt + ttl + 50);
            MessageConsumer consumer = s.createConsumer(q);
            Message m = consumer.receive(10_000);
            assertThat(text(m)).isEqualTo("long-lived");
            assertThat(m.getJMSExpiration()).isGreaterThan(System.currentTimeMillis());
            assertThat(consumer.receive(200)).isNull();
        }
        try (Connection c = deadLetterReader()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message expired = s.createConsumer(s.createQueue("expired")).receive(10_000);
            assertThat(text(expired)).isEqualTo("short-lived");
            assertThat(expired.getStringProperty("x-death-reason")).isEqualTo("expired");
        }
    }

    @Test
    void messageRolledBackMaxDeliveriesTimesIsDeadLettered() throws Exception {
        broker.broker().vhost("/").declareQueue(QueueDeclaration.durable("poison.dlq"), 0);
        try (Connection c = AmqpClients.connect(broker)) {
            Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            plain.createProducer(plain.createQueue("poison")).send(plain.createTextMessage("bad"));

            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = tx.createConsumer(tx.createQueue("poison"));
            for (int attempt = 1; attempt <= 3; attempt++) {
                Message m = consumer.receive(10_000);
                assertThat(text(m)).isEqualTo("bad");
                tx.rollback();
            }
            assertThat(consumer.receive(300)).isNull();
            consumer.close();
        }
        try (Connection c = deadLetterReader()) {
            Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message dead = plain.createConsumer(plain.createQueue("poison.dlq")).receive(10_000);
            assertThat(text(dead)).isEqualTo("bad");
            assertThat(dead.getStringProperty("x-death-reason")).isEqualTo("delivery_limit");
            assertThat(dead.getStringProperty("x-death-queue")).isEqualTo("poison");
        }
        assertThat(AmqpClients.messagesIn(broker, "poison")).isZero();
    }

    @Test
    void tenMebibyteMessagesTravelInManyFrames() throws Exception {
        byte[] payload = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(payload);
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("large");
            MessageProducer p = s.createProducer(q);
            for (int i = 0; i < 2; i++) {
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(payload);
                m.setIntProperty("n", i);
                p.send(m, i == 0 ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT, 4, 0);
            }
            MessageConsumer consumer = s.createConsumer(q);
            for (int i = 0; i < 2; i++) {
                BytesMessage got = (BytesMessage) consumer.receive(30_000);
                assertThat(got).isNotNull();
                assertThat(got.getIntProperty("n")).isEqualTo(i);
                assertThat(got.getBodyLength()).isEqualTo(payload.length);
                byte[] body = new byte[payload.length];
                got.readBytes(body);
                assertThat(body).isEqualTo(payload);
            }
        }
    }

    @Test
    void messageOverTheMaximumSizeIsRefusedWithMessageSizeExceeded() throws Exception {
        try (EmbeddedBrokerExtension small = AmqpClients.brokerServing(
                AmqpSettings.defaults().withMaxMessageSize(64 * 1024)).build().start();
             Connection c = AmqpClients.connect(small)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("limited.size"));
            BytesMessage big = s.createBytesMessage();
            big.writeBytes(new byte[128 * 1024]);
            assertThatThrownBy(() -> p.send(big)).hasMessageContaining("maximum message size");
        }
    }
}
