package io.ferrymq.tests.openwire;

import io.ferrymq.tests.matrix.MatrixBroker;
import jakarta.jms.Connection;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JMS applications on both JMS clients of the broker talk to each other: an ActiveMQ (OpenWire) requester and a
 * Qpid JMS (AMQP 1.0) responder answering to the requester's temporary queue, and the other way round.
 */
class OpenwireAmqpRequestReplyTest {

    private static MatrixBroker broker;

    @BeforeAll
    static void start() {
        broker = MatrixBroker.inMemory();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Connection openwire() throws Exception {
        Connection c = new ActiveMQConnectionFactory(MatrixBroker.USER, MatrixBroker.PASSWORD,
                "tcp://127.0.0.1:" + broker.mixedPort()).createConnection();
        c.start();
        return c;
    }

    private static Connection amqp() throws Exception {
        Connection c = new JmsConnectionFactory(MatrixBroker.USER, MatrixBroker.PASSWORD,
                "amqp://127.0.0.1:" + broker.mixedPort()).createConnection();
        c.start();
        return c;
    }

    @Test
    void anOpenwireRequesterGetsTheAmqpRespondersReplyOnItsTemporaryQueue() throws Exception {
        try (Connection requester = openwire(); Connection responder = amqp()) {
            Session rs = requester.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = rs.createTemporaryQueue();
            MessageConsumer replyConsumer = rs.createConsumer(replies);
            TextMessage request = rs.createTextMessage("what time is it?");
            request.setJMSReplyTo(replies);
            request.setJMSCorrelationID("req-1");
            request.setStringProperty("asker", "openwire");
            rs.createProducer(rs.createQueue("rr.ow-to-amqp")).send(request);

            Session ss = responder.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message got = ss.createConsumer(ss.createQueue("rr.ow-to-amqp")).receive(10_000);
            assertThat(got).isInstanceOf(TextMessage.class);
            assertThat(((TextMessage) got).getText()).isEqualTo("what time is it?");
            assertThat(got.getStringProperty("asker")).isEqualTo("openwire");
            assertThat(got.getJMSCorrelationID()).isEqualTo("req-1");
            TextMessage reply = ss.createTextMessage("tea time");
            reply.setJMSCorrelationID(got.getJMSCorrelationID());
            ss.createProducer(got.getJMSReplyTo()).send(reply);

            TextMessage answer = (TextMessage) replyConsumer.receive(10_000);
            assertThat(answer.getText()).isEqualTo("tea time");
            assertThat(answer.getJMSCorrelationID()).isEqualTo("req-1");
        }
    }

    @Test
    void anAmqpRequesterGetsTheOpenwireRespondersReplyOnItsTemporaryQueue() throws Exception {
        try (Connection requester = amqp(); Connection responder = openwire()) {
            Session rs = requester.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = rs.createTemporaryQueue();
            MessageConsumer replyConsumer = rs.createConsumer(replies);
            TextMessage request = rs.createTextMessage("ping");
            request.setJMSReplyTo(replies);
            rs.createProducer(rs.createQueue("rr.amqp-to-ow")).send(request);

            Session ss = responder.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message got = ss.createConsumer(ss.createQueue("rr.amqp-to-ow")).receive(10_000);
            assertThat(((TextMessage) got).getText()).isEqualTo("ping");
            ss.createProducer(got.getJMSReplyTo()).send(ss.createTextMessage("pong"));

            assertThat(((TextMessage) replyConsumer.receive(10_000)).getText()).isEqualTo("pong");
        }
    }

    @Test
    void aTopicMessageReachesSubscribersOfBothClients() throws Exception {
        try (Connection ow = openwire(); Connection am = amqp()) {
            Session os = ow.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session as = am.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer atOpenwire = os.createConsumer(os.createTopic("rr.prices.>"));
            MessageConsumer atAmqp = as.createConsumer(as.createTopic("rr.prices.eur"));
            as.createProducer(as.createTopic("rr.prices.eur")).send(as.createTextMessage("1.08"));
            assertThat(((TextMessage) atOpenwire.receive(10_000)).getText()).isEqualTo("1.08");
            assertThat(((TextMessage) atAmqp.receive(10_000)).getText()).isEqualTo("1.08");
            MapMessage map = os.createMapMessage();
            map.setString("k", "v");
            os.createProducer(os.createTopic("rr.prices.eur")).send(map);
            // OpenWire's map encoding is kept for OpenWire consumers; other protocols get the message as bytes.
            assertThat(((MapMessage) atOpenwire.receive(10_000)).getString("k")).isEqualTo("v");
            assertThat(atAmqp.receive(10_000)).isNotNull();
        }
    }
}
