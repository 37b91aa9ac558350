package io.ferrymq.amqp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.apache.qpid.proton.amqp.transport.Close;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Connection-level behaviour: idle timeout, negotiated limits, AMQP over WebSocket. */
class AmqpConnectionTest {

    @Test
    void silentClientIsClosedAfterTheIdleTimeout() throws Exception {
        try (EmbeddedBrokerExtension b = AmqpClients.brokerServing(AmqpSettings.defaults().withIdleTimeoutMillis(1000))
                .build().start();
             RawAmqpClient raw = new RawAmqpClient(b.port("amqp"))) {
            // The broker advertises half its timeout, so well-behaved clients heartbeat in time.
            assertThat(raw.open("admin", "secret").getIdleTimeOut().longValue()).isEqualTo(500);
            // This client sends nothing more: the broker closes it, saying why.
            Close close = (Close) raw.read().body();
            assertThat(close.getError().getCondition().toString()).isEqualTo("amqp:resource-limit-exceeded");
            assertThat(close.getError().getDescription()).contains("idle");
            assertThat(raw.closedByBroker()).isTrue();
        }
    }

    @Test
    void heartbeatingClientStaysConnectedPastTheIdleTimeout() throws Exception {
        try (EmbeddedBrokerExtension b = AmqpClients.brokerServing(AmqpSettings.defaults().withIdleTimeoutMillis(1000))
                .build().start();
             Connection c = AmqpClients.connect(b)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var consumer = s.createConsumer(s.createQueue("patient"));
            // Waiting in receive for longer than the idle timeout: Qpid JMS heartbeats keep the connection.
            assertThat(consumer.receive(2500)).isNull();
            s.createProducer(s.createQueue("patient")).send(s.createTextMessage("still here"));
            assertThat(((TextMessage) consumer.receive(10_000)).getText()).isEqualTo("still here");
        }
    }

    @Test
    void qpidJmsWorksOverWebSocket() throws Exception {
        try (EmbeddedBrokerExtension b = AmqpClients.brokerServing(AmqpSettings.defaults()).build().start();
             Connection c = new JmsConnectionFactory("admin", "secret", "amqpws://127.0.0.1:" + b.port("ws"))
                     .createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("over.ws")).send(s.createTextMessage("framed twice"));
            TextMessage m = (TextMessage) s.createConsumer(s.createQueue("over.ws")).receive(10_000);
            assertThat(m.getText()).isEqualTo("framed twice");
        }
    }
}
