package io.ferrymq.tests.matrix.endpoint;

import io.ferrymq.tests.matrix.Capabilities;
import io.ferrymq.tests.matrix.Destination;
import io.ferrymq.tests.matrix.Feature;
import io.ferrymq.tests.matrix.MatrixBroker;
import io.ferrymq.tests.matrix.ProtocolEndpoint;
import io.ferrymq.tests.matrix.ReceivedMessage;
import io.ferrymq.tests.matrix.TestMessage;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OpenWire through the ActiveMQ JMS client: queue {@code Q}, topic {@code K}. Text goes as a TextMessage, anything
 * else as a BytesMessage; JMS has no content type, so none is sent or shown.
 */
public final class OpenwireEndpoint implements ProtocolEndpoint {

    private final MatrixBroker broker;
    private final Connection connection;
    private final Session session;

    public OpenwireEndpoint(MatrixBroker broker) throws JMSException {
        this.broker = broker;
        this.connection = open(broker);
        this.session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    private static Connection open(MatrixBroker broker) throws JMSException {
        Connection c = new ActiveMQConnectionFactory(MatrixBroker.USER, MatrixBroker.PASSWORD,
                "tcp://127.0.0.1:" + broker.mixedPort()).createConnection();
        c.start();
        return c;
    }

    @Override
    public String name() {
        return "OpenWire";
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.both(EnumSet.complementOf(EnumSet.of(Feature.CONTENT_TYPE)));
    }

    @Override
    public void send(Destination d, TestMessage m) throws Exception {
        Message msg;
        if (m.text()) {
            msg = session.createTextMessage(m.bodyText());
        } else {
            BytesMessage b = session.createBytesMessage();
            b.writeBytes(m.body());
            msg = b;
        }
        for (Map.Entry<String, String> p : m.properties().entrySet()) {
            msg.setStringProperty(p.getKey(), p.getValue());
        }
        jakarta.jms.Destination to = d.route() == Destination.Route.QUEUE ? session.createQueue(d.queue())
                : session.createTopic(d.topicKey());
        try (MessageProducer producer = session.createProducer(to)) {
            producer.send(msg, DeliveryMode.PERSISTENT, m.priority() == null ? Message.DEFAULT_PRIORITY : m.priority(),
                    m.ttlMillis() == null ? Message.DEFAULT_TIME_TO_LIVE : m.ttlMillis());
        }
    }

    @Override
    public Inbox listen(Destination d) throws Exception {
        return new OpenwireInbox(d);
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }

    /** A connection of its own, client acknowledgement: closing it gives back what was not acknowledged. */
    private final class OpenwireInbox implements Inbox {
        private final Destination destination;
        private Connection inboxConnection;
        private MessageConsumer consumer;

        OpenwireInbox(Destination d) throws JMSException {
            this.destination = d;
            attach();
        }

        private void attach() throws JMSException {
            inboxConnection = open(broker);
            Session s = inboxConnection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            consumer = s.createConsumer(destination.route() == Destination.Route.QUEUE
                    ? s.createQueue(destination.queue()) : s.createTopic(destination.topicKey()));
        }

        @Override
        public ReceivedMessage receive(Duration timeout) throws Exception {
            Message m = consumer.receive(timeout.toMillis());
            if (m == null) {
                return null;
            }
            m.acknowledge();
            return toReceived(m);
        }

        @Override
        public ReceivedMessage receiveUnsettled(Duration timeout) throws Exception {
            Message m = consumer.receive(timeout.toMillis());
            return m == null ? null : toReceived(m);
        }

        @Override
        public void abandon() throws JMSException {
            inboxConnection.close();
            attach();
        }

        @Override
        public void close() throws JMSException {
            inboxConnection.close();
        }
    }

    private static ReceivedMessage toReceived(Message m) throws JMSException {
        byte[] body;
        if (m instanceof TextMessage t) {
            body = t.getText() == null ? new byte[0] : t.getText().getBytes(StandardCharsets.UTF_8);
        } else if (m instanceof BytesMessage b) {
            body = new byte[(int) b.getBodyLength()];
            b.readBytes(body);
        } else {
            throw new AssertionError("neither a text nor a bytes message: " + m);
        }
        Map<String, String> props = new LinkedHashMap<>();
        for (Object name : Collections.list(m.getPropertyNames())) {
            String n = (String) name;
            if (!n.startsWith("JMS")) {
                props.put(n, String.valueOf(m.getObjectProperty(n)));
            }
        }
        return new ReceivedMessage(body, null, props, m.getJMSPriority(),
                m.getJMSExpiration() == 0 ? null : m.getJMSExpiration(), m.getJMSRedelivered(), m instanceof TextMessage);
    }
}
