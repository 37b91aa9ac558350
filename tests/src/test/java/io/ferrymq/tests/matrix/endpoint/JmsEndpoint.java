package io.ferrymq.tests.matrix.endpoint;

import io.ferrymq.tests.matrix.Destination;
import io.ferrymq.tests.matrix.MatrixBroker;
import io.ferrymq.tests.matrix.ProtocolEndpoint;
import io.ferrymq.tests.matrix.ReceivedMessage;
import io.ferrymq.tests.matrix.TestMessage;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A protocol reached through a JMS client: persistent sends on the endpoint's own session, and each inbox on a
 * connection of its own with client acknowledgement. What differs between JMS clients is how a test message becomes
 * a JMS message and where a content type lives, which the subclass says.
 */
abstract class JmsEndpoint implements ProtocolEndpoint {

    private final ConnectionFactory factory;
    private final Connection connection;
    private final Session session;

    JmsEndpoint(ConnectionFactory factory) throws JMSException {
        this.factory = factory;
        this.connection = open();
        this.session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    /** The address of the broker's mixed port in a client URL of {@code scheme}. */
    static String url(String scheme, MatrixBroker broker) {
        return scheme + "://127.0.0.1:" + broker.mixedPort();
    }

    private Connection open() throws JMSException {
        Connection c = factory.createConnection();
        c.start();
        return c;
    }

    /** The JMS message a test message goes as, its properties not yet set. */
    abstract Message toJms(Session s, TestMessage m) throws JMSException;

    /** The content type a received message carries, if the protocol has one. */
    abstract String contentType(Message m) throws JMSException;

    static BytesMessage bytes(Session s, TestMessage m) throws JMSException {
        BytesMessage b = s.createBytesMessage();
        b.writeBytes(m.body());
        return b;
    }

    @Override
    public final void send(Destination d, TestMessage m) throws Exception {
        Message msg = toJms(session, m);
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
    public final Inbox listen(Destination d) throws Exception {
        return new JmsInbox(d);
    }

    @Override
    public final void close() throws JMSException {
        connection.close();
    }

    /** A connection of its own, client acknowledgement: closing it gives back what was not acknowledged. */
    private final class JmsInbox implements Inbox {
        private final Destination destination;
        private Connection inboxConnection;
        private MessageConsumer consumer;

        JmsInbox(Destination d) throws JMSException {
            this.destination = d;
            attach();
        }

        private void attach() throws JMSException {
            inboxConnection = open();
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

    private ReceivedMessage toReceived(Message m) throws JMSException {
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
        return new ReceivedMessage(body, contentType(m), props, m.getJMSPriority(),
                m.getJMSExpiration() == 0 ? null : m.getJMSExpiration(), m.getJMSRedelivered(), m instanceof TextMessage);
    }
}
