package io.ferrymq.bench.driver.amqp;

import io.ferrymq.bench.driver.Confirmation;
import io.ferrymq.bench.driver.OutgoingMessage;
import io.ferrymq.bench.driver.ProducerLink;
import io.ferrymq.bench.driver.Stamp;
import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

/** Sends stamped BytesMessages; each send asks for the broker's disposition through a CompletionListener. */
final class QpidJmsProducer implements ProducerLink {

    private final Connection connection;
    private final Session session;
    private final MessageProducer producer;
    private final int id;

    QpidJmsProducer(Connection connection, Session session, MessageProducer producer, int id) {
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
        producer.send(m, mode, Message.DEFAULT_PRIORITY, Message.DEFAULT_TIME_TO_LIVE, new CompletionListener() {
            @Override
            public void onCompletion(Message sent) {
                confirmation.confirmed();
            }

            @Override
            public void onException(Message sent, Exception e) {
                confirmation.failed("producer " + id + ": " + e);
            }
        });
    }

    @Override
    public void close() {
        QpidJmsDriver.closeQuietly(connection);
    }
}
