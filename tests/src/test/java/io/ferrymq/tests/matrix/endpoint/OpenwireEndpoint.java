package io.ferrymq.tests.matrix.endpoint;

import io.ferrymq.tests.matrix.Capabilities;
import io.ferrymq.tests.matrix.Feature;
import io.ferrymq.tests.matrix.MatrixBroker;
import io.ferrymq.tests.matrix.TestMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import org.apache.activemq.ActiveMQConnectionFactory;

import java.util.EnumSet;

/**
 * OpenWire through the ActiveMQ JMS client: queue {@code Q}, topic {@code K}. Text goes as a TextMessage, anything
 * else as a BytesMessage; JMS has no content type, so none is sent or shown.
 */
public final class OpenwireEndpoint extends JmsEndpoint {

    public OpenwireEndpoint(MatrixBroker broker) throws JMSException {
        super(new ActiveMQConnectionFactory(MatrixBroker.USER, MatrixBroker.PASSWORD, url("tcp", broker)));
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
    Message toJms(Session s, TestMessage m) throws JMSException {
        return m.text() ? s.createTextMessage(m.bodyText()) : bytes(s, m);
    }

    @Override
    String contentType(Message m) {
        return null;
    }
}
