package io.ferrymq.tests.matrix.endpoint;

import io.ferrymq.tests.matrix.Capabilities;
import io.ferrymq.tests.matrix.Feature;
import io.ferrymq.tests.matrix.MatrixBroker;
import io.ferrymq.tests.matrix.TestMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.apache.qpid.jms.message.JmsMessage;
import org.apache.qpid.jms.provider.amqp.message.AmqpJmsMessageFacade;
import org.apache.qpid.proton.amqp.Symbol;

import java.util.EnumSet;

/**
 * AMQP 1.0 through Qpid JMS: address {@code Q} for the queue, a topic (the topic capability) for the key.
 * Text without a content type goes as a TextMessage ({@code amqp-value} string); anything else as a
 * BytesMessage ({@code data} section) with the content type in the AMQP properties.
 */
public final class AmqpEndpoint extends JmsEndpoint {

    public AmqpEndpoint(MatrixBroker broker) throws JMSException {
        super(new JmsConnectionFactory(MatrixBroker.USER, MatrixBroker.PASSWORD, url("amqp", broker)));
    }

    @Override
    public String name() {
        return "AMQP 1.0";
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.both(EnumSet.allOf(Feature.class));
    }

    @Override
    Message toJms(Session s, TestMessage m) throws JMSException {
        if (m.text() && m.contentType() == null) {
            return s.createTextMessage(m.bodyText());
        }
        Message b = bytes(s, m);
        String contentType = m.contentType() != null ? m.contentType()
                : m.text() ? "text/plain;charset=utf-8" : "application/octet-stream";
        facade(b).setContentType(Symbol.valueOf(contentType));
        return b;
    }

    @Override
    String contentType(Message m) {
        Symbol contentType = facade(m).getContentType();
        return contentType == null ? null : contentType.toString();
    }

    private static AmqpJmsMessageFacade facade(Message m) {
        return (AmqpJmsMessageFacade) ((JmsMessage) m).getFacade();
    }
}
