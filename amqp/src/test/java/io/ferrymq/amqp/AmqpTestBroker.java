package io.ferrymq.amqp;

import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.testing.EmbeddedBroker;
import org.apache.qpid.jms.JmsConnectionFactory;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.util.function.UnaryOperator;

/** An embedded broker serving AMQP 1.0 on a free port (TCP and WebSocket), with Qpid JMS factories for it. */
final class AmqpTestBroker implements AutoCloseable {

    final EmbeddedBroker embedded;
    final int port;
    final int wsPort;

    private AmqpTestBroker(EmbeddedBroker embedded) {
        this.embedded = embedded;
        this.port = embedded.port("amqp");
        this.wsPort = embedded.port("ws");
    }

    static AmqpTestBroker start() {
        return start(s -> s, b -> b);
    }

    static AmqpTestBroker start(UnaryOperator<AmqpSettings> settings, UnaryOperator<EmbeddedBroker.Builder> config) {
        AmqpSettings s = settings.apply(AmqpSettings.defaults());
        EmbeddedBroker.Builder b = EmbeddedBroker.builder()
                .protocol(broker -> new AmqpProtocol(broker, s))
                .tcp("amqp", "amqp")
                .websocket("ws", "amqp");
        return new AmqpTestBroker(config.apply(b).start());
    }

    Broker broker() {
        return embedded.broker();
    }

    String uri() {
        return "amqp://127.0.0.1:" + port;
    }

    JmsConnectionFactory factory() {
        return factory(System.getProperty("amqp.test.options", ""));
    }

    /** @param options URI query options, for example {@code jms.prefetchPolicy.all=0} */
    JmsConnectionFactory factory(String options) {
        return new JmsConnectionFactory("admin", "secret", uri() + (options.isEmpty() ? "" : "?" + options));
    }

    Connection connect() throws JMSException {
        Connection c = factory().createConnection();
        c.start();
        return c;
    }

    long messagesIn(String queue) {
        var q = broker().vhost("/").queue(queue);
        return q == null ? -1 : q.exactStats().join().total();
    }

    @Override
    public void close() {
        embedded.close();
    }
}
