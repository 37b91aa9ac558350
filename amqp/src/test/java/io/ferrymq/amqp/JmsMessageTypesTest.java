package io.ferrymq.amqp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every JMS message type, JMS headers and typed properties survive a trip through the broker. */
class JmsMessageTypesTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = AmqpClients.brokerServing(AmqpSettings.defaults()).build();
    private Connection connection;
    private Session session;
    private Queue queue;
    private MessageProducer producer;
    private MessageConsumer consumer;

    @BeforeEach
    void start() throws Exception {
        connection = AmqpClients.factory(broker, "jms.deserializationPolicy.allowList=java.util,java.lang")
                .createConnection();
        connection.start();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        queue = session.createQueue("types");
        producer = session.createProducer(queue);
        consumer = session.createConsumer(queue);
    }

    @AfterEach
    void stop() throws Exception {
        connection.close();
    }

    private Message roundTrip(Message m) throws Exception {
        producer.send(m);
        Message received = consumer.receive(10_000);
        assertThat(received).as("message received").isNotNull();
        return received;
    }

    @Test
    void textMessage() throws Exception {
        TextMessage m = (TextMessage) roundTrip(session.createTextMessage("grüße ✓"));
        assertThat(m.getText()).isEqualTo("grüße ✓");
    }

    @Test
    void bytesMessage() throws Exception {
        BytesMessage out = session.createBytesMessage();
        out.writeBytes(new byte[] {0, 1, 2, (byte) 0xFF});
        BytesMessage in = (BytesMessage) roundTrip(out);
        byte[] body = new byte[(int) in.getBodyLength()];
        in.readBytes(body);
        assertThat(body).containsExactly(0, 1, 2, 0xFF);
    }

    @Test
    void mapMessage() throws Exception {
        MapMessage out = session.createMapMessage();
        out.setString("name", "widget");
        out.setInt("count", 3);
        out.setDouble("price", 9.5);
        out.setBoolean("fragile", true);
        out.setBytes("code", new byte[] {7, 8});
        MapMessage in = (MapMessage) roundTrip(out);
        assertThat(in.getString("name")).isEqualTo("widget");
        assertThat(in.getInt("count")).isEqualTo(3);
        assertThat(in.getDouble("price")).isEqualTo(9.5);
        assertThat(in.getBoolean("fragile")).isTrue();
        assertThat(in.getBytes("code")).containsExactly(7, 8);
    }

    @Test
    void streamMessage() throws Exception {
        StreamMessage out = session.createStreamMessage();
        out.writeString("first");
        out.writeLong(42L);
        out.writeBoolean(false);
        StreamMessage in = (StreamMessage) roundTrip(out);
        assertThat(in.readString()).isEqualTo("first");
        assertThat(in.readLong()).isEqualTo(42L);
        assertThat(in.readBoolean()).isFalse();
    }

    @Test
    void objectMessageOfAnAllowedClass() throws Exception {
        ArrayList<String> list = new ArrayList<>(List.of("a", "b"));
        ObjectMessage in = (ObjectMessage) roundTrip(session.createObjectMessage(list));
        assertThat(in.getObject()).isEqualTo(list);
    }

    @Test
    void plainMessageWithoutBody() throws Exception {
        Message in = roundTrip(session.createMessage());
        assertThat(in).isNotInstanceOfAny(TextMessage.class, BytesMessage.class, MapMessage.class,
                StreamMessage.class, ObjectMessage.class);
    }

    @Test
    void headersAndTypedPropertiesSurvive() throws Exception {
        Queue replies = session.createQueue("replies");
        TextMessage out = session.createTextMessage("with headers");
        out.setJMSCorrelationID("corr-1");
        out.setJMSReplyTo(replies);
        out.setJMSType("order.created");
        out.setStringProperty("s", "text");
        out.setIntProperty("i", 7);
        out.setLongProperty("l", 1L << 40);
        out.setBooleanProperty("b", true);
        out.setDoubleProperty("d", 2.5);
        out.setFloatProperty("f", 1.5f);
        out.setShortProperty("sh", (short) 3);
        out.setByteProperty("by", (byte) 4);
        out.setStringProperty("JMSXGroupID", "group-a");
        Message in = roundTrip(out);
        assertThat(in.getJMSMessageID()).isEqualTo(out.getJMSMessageID());
        assertThat(in.getJMSCorrelationID()).isEqualTo("corr-1");
        assertThat(in.getJMSReplyTo()).isEqualTo(replies);
        assertThat(in.getJMSType()).isEqualTo("order.created");
        assertThat(in.getStringProperty("s")).isEqualTo("text");
        assertThat(in.getIntProperty("i")).isEqualTo(7);
        assertThat(in.getLongProperty("l")).isEqualTo(1L << 40);
        assertThat(in.getBooleanProperty("b")).isTrue();
        assertThat(in.getDoubleProperty("d")).isEqualTo(2.5);
        assertThat(in.getFloatProperty("f")).isEqualTo(1.5f);
        assertThat(in.getShortProperty("sh")).isEqualTo((short) 3);
        assertThat(in.getByteProperty("by")).isEqualTo((byte) 4);
        assertThat(in.getStringProperty("JMSXGroupID")).isEqualTo("group-a");
        assertThat(in.getJMSTimestamp()).isEqualTo(out.getJMSTimestamp());
    }
}
