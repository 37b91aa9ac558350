package io.ferrymq.bench.driver.openwire;

import io.ferrymq.bench.driver.Confirmation;
import io.ferrymq.bench.driver.OutgoingMessage;
import io.ferrymq.bench.driver.ProducerLink;
import io.ferrymq.bench.driver.Stamp;
import io.ferrymq.bench.driver.amqp.QpidJmsDriver;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import org.apache.activemq.ActiveMQMessageProducer;
import org.apache.activemq.AsyncCallback;

/**
 * Sends stamped BytesMessages. activemq-client 6.3 refuses JMS 2's CompletionListener, so a confirmed send uses its
 * own {@link AsyncCallback}: the client sends without waiting and calls back on the broker's Response.
 */
final class ActiveMqProducer implements ProducerLink {

    private final Connection connection;
    private final Session session;
    private final ActiveMQMessageProducer producer;
    private final int id;

    ActiveMqProducer(Connection connection, Session session, ActiveMQMessageProducer producer, int id) {
        this.connection = connection;
        this.session = session;
        this.producer = producer;
        this.id = id;
    }

    @Override
    public void send(OutgoingMessage message, Confirmation confirmation) throws Exception {
        BytesMessage m = session.createBytesMessage();
        m.writeBytes(message.body());
        Stamp s = message.stamp();
        m.setIntProperty(Stamp.PRODUCER, s.producer());
        m.setLongProperty(Stamp.SEQUENCE, s.sequence());
        m.setLongProperty(Stamp.SENT, s.sentNanos());
        int mode = message.persistent() ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT;
        if (confirmation == null) {
            producer.send(m, mode, Message.DEFAULT_PRIORITY, Message.DEFAULT_TIME_TO_LIVE);
            return;
        }
        producer.send(m, mode, Message.DEFAULT_PRIORITY, Message.DEFAULT_TIME_TO_LIVE, new AsyncCallback() {
            @Override
            public void onSuccess() {
                confirmation.confirmed();
            }

            @Override
            public void onException(JMSException e) {
                confirmation.failed("producer " + id + ": " + e);
            }
        });
    }

    @Override
    public void close() {
        QpidJmsDriver.closeQuietly(connection);
    }
}
