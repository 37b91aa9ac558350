package io.ferrymq.amqp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.apache.qpid.jms.JmsConnectionFactory;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;

/**
 * AMQP 1.0 on an {@link EmbeddedBrokerExtension}: the broker with AMQP on a free TCP port ({@code amqp}) and a
 * free WebSocket port ({@code ws}), and Qpid JMS factories for it, as user {@code admin}.
 */
final class AmqpClients {

    private AmqpClients() {
    }

    /** A broker serving AMQP 1.0 with {@code settings}; add users, policies or a memory limit, then build. */
    static EmbeddedBrokerExtension.Builder brokerServing(AmqpSettings settings) {
        return EmbeddedBrokerExtension.builder()
                .protocol(broker -> new AmqpProtocol(broker, settings))
                .tcp("amqp", AmqpProtocol.NAME)
                .websocket("ws", AmqpProtocol.NAME);
    }

    static String uri(EmbeddedBrokerExtension broker) {
        return "amqp://127.0.0.1:" + broker.port("amqp");
    }

    /** A factory with the URI options of the system property {@code amqp.test.options}, if set. */
    static JmsConnectionFactory factory(EmbeddedBrokerExtension broker) {
        return factory(broker, System.getProperty("amqp.test.options", ""));
    }

    /** @param options URI query options, for example {@code jms.prefetchPolicy.all=0} */
    static JmsConnectionFactory factory(EmbeddedBrokerExtension broker, String options) {
        return new JmsConnectionFactory("admin", "secret", uri(broker) + (options.isEmpty() ? "" : "?" + options));
    }

    /** A started JMS connection. */
    static Connection connect(EmbeddedBrokerExtension broker) throws JMSException {
        Connection c = factory(broker).createConnection();
        c.start();
        return c;
    }

    /** How many messages a queue holds, counted exactly; -1 if there is no such queue. */
    static long messagesIn(EmbeddedBrokerExtension broker, String queue) {
        var q = broker.broker().vhost("/").queue(queue);
        return q == null ? -1 : q.exactStats().join().total();
    }
}
