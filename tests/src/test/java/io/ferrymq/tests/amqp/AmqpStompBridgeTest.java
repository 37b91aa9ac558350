package io.ferrymq.tests.amqp;

import io.ferrymq.amqp.AmqpProtocol;
import io.ferrymq.amqp.AmqpSettings;
import io.ferrymq.stomp.StompProtocol;
import io.ferrymq.stomp.StompSettings;
import io.ferrymq.tests.support.StompTestClient;
import io.ferrymq.transport.testing.EmbeddedBroker;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.util.MimeType;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Qpid JMS (AMQP 1.0) and Spring's STOMP client meeting on queues and topics through the core, on one port
 * serving both protocols: the AMQP address {@code Q} is the STOMP destination {@code /queue/Q}, and an
 * address with the topic capability {@code K} is {@code /topic/K}. Bodies and properties survive both ways.
 */
class AmqpStompBridgeTest {

    private EmbeddedBroker broker;
    private StompTestClient stomp;
    private Connection jms;
    private Session session;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.builder()
                .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
                .protocol(b -> new AmqpProtocol(b, AmqpSettings.defaults()))
                .tcp("mixed", StompProtocol.NAME, AmqpProtocol.NAME)
                .start();
        int port = broker.port("mixed");

        stomp = StompTestClient.connect(port);

        jms = new JmsConnectionFactory("admin", "secret", "amqp://127.0.0.1:" + port).createConnection();
        jms.start();
        session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @AfterEach
    void stop() throws Exception {
        jms.close();
        stomp.close();
        broker.close();
    }




    @Test
    void jmsTextMessageReachesStompWithBodyAndProperties() throws Exception {
        MessageProducer p = session.createProducer(session.createQueue("bridge.orders"));
        TextMessage m = session.createTextMessage("order #1 \u00e9\u00e8");
        m.setStringProperty("customer", "ACME");
        m.setIntProperty("lines", 3);
        m.setBooleanProperty("rush", true);
        m.setJMSCorrelationID("corr-9");
        m.setJMSType("order");
        p.send(m, DeliveryMode.PERSISTENT, 7, 0);

        StompTestClient.Frame f = stomp.subscribe("/queue/bridge.orders").poll(15, TimeUnit.SECONDS);
        assertThat(f).isNotNull();
        assertThat(f.text()).isEqualTo("order #1 \u00e9\u00e8");
        assertThat(f.headers().getFirst("content-type")).startsWith("text/plain");
        assertThat(f.headers().getFirst("customer")).isEqualTo("ACME");
        assertThat(f.headers().getFirst("lines")).isEqualTo("3");
        assertThat(f.headers().getFirst("rush")).isEqualTo("true");
        assertThat(f.headers().getFirst("correlation-id")).isEqualTo("corr-9");
        assertThat(f.headers().getFirst("persistent")).isEqualTo("true");
        assertThat(f.headers().getFirst("priority")).isEqualTo("7");
    }

    @Test
    void jmsBytesMessageReachesStompAsTheSameBytes() throws Exception {
        byte[] payload = {0, 1, 2, (byte) 0xFE, (byte) 0xFF, 10, 0};
        BytesMessage m = session.createBytesMessage();
        m.writeBytes(payload);
        m.setStringProperty("kind", "binary");
        session.createProducer(session.createQueue("bridge.bytes")).send(m);

        StompTestClient.Frame f = stomp.subscribe("/queue/bridge.bytes").poll(15, TimeUnit.SECONDS);
        assertThat(f).isNotNull();
        assertThat(f.bytes()).isEqualTo(payload);
        assertThat(f.headers().getFirst("kind")).isEqualTo("binary");
    }

    @Test
    void stompTextSendReachesJmsAsATextMessageWithProperties() throws Exception {
        MessageConsumer consumer = session.createConsumer(session.createQueue("bridge.inbound"));
        StompHeaders h = new StompHeaders();
        h.setDestination("/queue/bridge.inbound");
        h.setContentType(MimeType.valueOf("text/plain;charset=UTF-8"));
        h.set("region", "emea");
        h.set("correlation-id", "stomp-corr");
        h.set("persistent", "true");
        stomp.send(h, "hello from stomp \u00fc".getBytes(StandardCharsets.UTF_8));

        Message m = consumer.receive(15_000);
        assertThat(m).isInstanceOf(TextMessage.class);
        assertThat(((TextMessage) m).getText()).isEqualTo("hello from stomp \u00fc");
        assertThat(m.getStringProperty("region")).isEqualTo("emea");
        assertThat(m.getJMSCorrelationID()).isEqualTo("stomp-corr");
        assertThat(m.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(m.getJMSDestination()).isEqualTo(session.createQueue("bridge.inbound"));
    }

    @Test
    void stompPlainTextWithoutCharsetReachesJmsAsATextMessage() throws Exception {
        MessageConsumer consumer = session.createConsumer(session.createQueue("bridge.plain"));
        StompHeaders h = new StompHeaders();
        h.setDestination("/queue/bridge.plain");
        h.setContentType(MimeType.valueOf("text/plain"));
        stomp.send(h, "caf\u00e9 \u2713".getBytes(StandardCharsets.UTF_8));

        Message m = consumer.receive(15_000);
        assertThat(m).isInstanceOf(TextMessage.class);
        assertThat(((TextMessage) m).getText()).isEqualTo("caf\u00e9 \u2713");
    }

    @Test
    void stompTextThatIsNotValidUtf8ReachesJmsAsTheSameBytes() throws Exception {
        MessageConsumer consumer = session.createConsumer(session.createQueue("bridge.badtext"));
        byte[] payload = {'a', (byte) 0xC3, (byte) 0x28, 'b', (byte) 0xFF};
        StompHeaders h = new StompHeaders();
        h.setDestination("/queue/bridge.badtext");
        h.setContentType(MimeType.valueOf("text/plain;charset=UTF-8"));
        stomp.send(h, payload);

        // Not text in its charset: the bytes arrive unchanged instead of a string with replacement characters.
        Message m = consumer.receive(15_000);
        assertThat(m).isInstanceOf(BytesMessage.class);
        BytesMessage b = (BytesMessage) m;
        byte[] got = new byte[(int) b.getBodyLength()];
        b.readBytes(got);
        assertThat(got).isEqualTo(payload);
    }

    @Test
    void stompBinarySendReachesJmsAsABytesMessage() throws Exception {
        MessageConsumer consumer = session.createConsumer(session.createQueue("bridge.blob"));
        byte[] payload = {(byte) 0xCA, (byte) 0xFE, 0, (byte) 0xBA, (byte) 0xBE};
        StompHeaders h = new StompHeaders();
        h.setDestination("/queue/bridge.blob");
        h.setContentType(MimeType.valueOf("application/octet-stream"));
        stomp.send(h, payload);

        Message m = consumer.receive(15_000);
        assertThat(m).isInstanceOf(BytesMessage.class);
        BytesMessage b = (BytesMessage) m;
        byte[] got = new byte[(int) b.getBodyLength()];
        b.readBytes(got);
        assertThat(got).isEqualTo(payload);
    }

    @Test
    void topicsMeetBothWays() throws Exception {
        // JMS topic subscriber, STOMP publisher.
        MessageConsumer subscriber = session.createConsumer(session.createTopic("prices.eur"));
        StompHeaders h = new StompHeaders();
        h.setDestination("/topic/prices.eur");
        h.setContentType(MimeType.valueOf("text/plain"));
        h.set("symbol", "FMQ");
        stomp.send(h, "1.23".getBytes(StandardCharsets.UTF_8));
        Message m = subscriber.receive(15_000);
        assertThat(((TextMessage) m).getText()).isEqualTo("1.23");
        assertThat(m.getStringProperty("symbol")).isEqualTo("FMQ");
        assertThat(m.getJMSDestination()).isEqualTo(session.createTopic("prices.eur"));

        // STOMP subscriber, JMS topic publisher.
        BlockingQueue<StompTestClient.Frame> frames = stomp.subscribe("/topic/prices.usd");
        TextMessage out = session.createTextMessage("4.56");
        out.setStringProperty("symbol", "FMQ");
        session.createProducer(session.createTopic("prices.usd")).send(out);
        StompTestClient.Frame f = frames.poll(15, TimeUnit.SECONDS);
        assertThat(f).isNotNull();
        assertThat(f.text()).isEqualTo("4.56");
        assertThat(f.headers().getFirst("symbol")).isEqualTo("FMQ");
    }
}
