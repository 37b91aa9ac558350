package io.ferrymq.bench.driver.amqp;

import io.ferrymq.bench.driver.AckMode;
import io.ferrymq.bench.driver.ConsumerLink;
import io.ferrymq.bench.driver.ConsumerSpec;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.MessageListener;
import io.ferrymq.bench.driver.Stamp;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;

/**
 * Hands each message's stamp to the listener and acknowledges per the ack mode. Qpid JMS calls the listener
 * sequentially on the session's delivery thread, which is also where JMS allows {@code acknowledge()}. Plain JMS:
 * the OpenWire driver (the ActiveMQ client) uses it too.
 */
public final class QpidJmsConsumer implements ConsumerLink, jakarta.jms.MessageListener {

    private final Connection connection;
    private final ConsumerSpec spec;
    private final MessageListener listener;
    private final DriverErrors errors;
    private Message unacknowledged;
    private int sinceAck;

    private QpidJmsConsumer(Connection connection, ConsumerSpec spec, MessageListener listener, DriverErrors errors) {
        this.connection = connection;
        this.spec = spec;
        this.listener = listener;
        this.errors = errors;
    }

    public static QpidJmsConsumer start(Connection connection, MessageConsumer consumer, ConsumerSpec spec,
                                 MessageListener listener, DriverErrors errors) throws JMSException {
        QpidJmsConsumer c = new QpidJmsConsumer(connection, spec, listener, errors);
        consumer.setMessageListener(c);
        return c;
    }

    @Override
    public void onMessage(Message m) {
        try {
            listener.onMessage(stamp(m), m instanceof BytesMessage b ? (int) b.getBodyLength() : 0);
            if (spec.ackMode() == AckMode.CLIENT_INDIVIDUAL) {
                m.acknowledge();
            } else if (spec.ackMode() == AckMode.CLIENT) {
                synchronized (this) {
                    if (++sinceAck < spec.ackEvery()) {
                        unacknowledged = m;
                        return;
                    }
                    sinceAck = 0;
                    unacknowledged = null;
                }
                m.acknowledge();
            }
        } catch (JMSException e) {
            errors.report("consumer " + spec.id() + ": " + e);
        }
    }

    /** One property look-up per field (not an exists check and a typed get): the client's core is the limit. */
    private static Stamp stamp(Message m) throws JMSException {
        Object producer = m.getObjectProperty(Stamp.PRODUCER);
        Object sequence = m.getObjectProperty(Stamp.SEQUENCE);
        Object sent = m.getObjectProperty(Stamp.SENT);
        if (producer == null || sequence == null || sent == null) {
            return null;
        }
        return new Stamp((int) number(producer), number(sequence), number(sent));
    }

    /** The stamp's properties as sent are int and longs; another protocol's mapping may turn them into strings. */
    private static long number(Object property) {
        return property instanceof Number n ? n.longValue() : Long.parseLong(property.toString());
    }

    /** Acknowledges what a cumulative ack mode still holds, then closes the connection. */
    @Override
    public void close() {
        Message last;
        try {
            // stop() returns once no listener call is running, so acknowledging from here is the session's only use
            connection.stop();
            synchronized (this) {
                last = unacknowledged;
                unacknowledged = null;
            }
            if (last != null) {
                last.acknowledge();
            }
        } catch (JMSException e) {
            errors.report("consumer " + spec.id() + ": final acknowledge failed: " + e);
        } finally {
            QpidJmsDriver.closeQuietly(connection);
        }
    }
}
