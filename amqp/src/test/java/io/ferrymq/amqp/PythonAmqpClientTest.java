package io.ferrymq.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.vhost.QueueDeclaration;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Debian's python3-qpid-proton, a second, non-JMS AMQP 1.0 client: settled and unsettled transfers, outcomes. */
class PythonAmqpClientTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = AmqpClients.brokerServing(AmqpSettings.defaults())
            .policy(AddressPolicy.matching("py.rejects").withDeadLetter(DeadLetterTarget.queue("py.dead")))
            .build();

    @Test
    void unsettledSendsAreAcceptedAndUnsettledReceivesKeepBodyAndProperties() throws Exception {
        JsonNode r = PythonAmqpClient.run("unsettled", broker.port("amqp"), "py.unsettled", "5");
        for (JsonNode outcome : r.get("outcomes")) {
            assertThat(outcome.asText()).isEqualTo("ACCEPTED");
        }
        JsonNode received = r.get("received");
        assertThat(received).hasSize(5);
        for (int i = 0; i < 5; i++) {
            JsonNode m = received.get(i);
            assertThat(m.get("body").asText()).isEqualTo("python-" + i);
            assertThat(m.get("properties").get("seq").asInt()).isEqualTo(i);
            assertThat(m.get("properties").get("origin").asText()).isEqualTo("python");
            assertThat(m.get("subject").asText()).isEqualTo("s-" + i);
            assertThat(m.get("correlation_id").asText()).isEqualTo("c-" + i);
            assertThat(m.get("durable").asBoolean()).isTrue();
            assertThat(m.get("priority").asInt()).isEqualTo(4);
        }
        await().until(() -> AmqpClients.messagesIn(broker, "py.unsettled") == 0);
    }

    @Test
    void preSettledSendsAndReceivesDeliverAtMostOnce() throws Exception {
        JsonNode r = PythonAmqpClient.run("presettled", broker.port("amqp"), "py.settled", "5");
        JsonNode received = r.get("received");
        assertThat(received).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(received.get(i).get("body").asText()).isEqualTo("python-" + i);
        }
        // Pre-settled deliveries need no acknowledgement: nothing stays in flight.
        await().until(() -> AmqpClients.messagesIn(broker, "py.settled") == 0);
    }

    @Test
    void pythonAndJmsInteroperate() throws Exception {
        JsonNode sent = PythonAmqpClient.run("send", broker.port("amqp"), "py.to.jms", "hello from python");
        assertThat(sent.get("outcome").asText()).isEqualTo("ACCEPTED");
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message m = s.createConsumer(s.createQueue("py.to.jms")).receive(10_000);
            assertThat(((TextMessage) m).getText()).isEqualTo("hello from python");
            assertThat(m.getStringProperty("origin")).isEqualTo("python");
            assertThat(m.getLongProperty("n")).isEqualTo(7L);

            MessageProducer p = s.createProducer(s.createQueue("jms.to.py"));
            TextMessage out = s.createTextMessage("hello from jms");
            out.setStringProperty("origin", "jms");
            out.setJMSCorrelationID("corr-1");
            p.send(out);
        }
        JsonNode got = PythonAmqpClient.run("receive", broker.port("amqp"), "jms.to.py", "1").get("received").get(0);
        assertThat(got.get("body").asText()).isEqualTo("hello from jms");
        assertThat(got.get("properties").get("origin").asText()).isEqualTo("jms");
        assertThat(got.get("correlation_id").asText()).isEqualTo("corr-1");
    }

    @Test
    void releasedMessageComesBackAndRejectedOneIsDeadLettered() throws Exception {
        broker.broker().vhost("/").declareQueue(QueueDeclaration.durable("py.dead"), 0);
        PythonAmqpClient.run("send", broker.port("amqp"), "py.rejects", "bad apple");
        JsonNode r = PythonAmqpClient.run("release-then-reject", broker.port("amqp"), "py.rejects");
        assertThat(r.get("first").get("body").asText()).isEqualTo("bad apple");
        assertThat(r.get("second").get("body").asText()).isEqualTo("bad apple");
        await().until(() -> AmqpClients.messagesIn(broker, "py.dead") == 1);
        assertThat(AmqpClients.messagesIn(broker, "py.rejects")).isZero();
        JsonNode dead = PythonAmqpClient.run("receive", broker.port("amqp"), "py.dead", "1").get("received").get(0);
        assertThat(dead.get("body").asText()).isEqualTo("bad apple");
        assertThat(dead.get("properties").get("x-death-reason").asText()).isEqualTo("rejected");
    }

    @Test
    void anonymousRelayRoutesByEachMessagesTo() throws Exception {
        JsonNode r = PythonAmqpClient.run("anonymous-relay", broker.port("amqp"), "py.relayed");
        assertThat(r.get("outcome").asText()).isEqualTo("ACCEPTED");
        assertThat(r.get("no_to").asText()).isEqualTo("REJECTED");
        assertThat(AmqpClients.messagesIn(broker, "py.relayed")).isEqualTo(1);
    }

    @Test
    void attachingToAMissingQueueGetsNotFound() throws Exception {
        JsonNode r = PythonAmqpClient.run("attach-error", broker.port("amqp"), "/amq/queue/missing", "admin", "secret");
        assertThat(r.get("attached").asBoolean()).isFalse();
        assertThat(r.get("condition").asText()).isEqualTo("amqp:not-found");
        assertThat(r.get("description").asText()).contains("missing");
    }

    @Test
    void attachingToAForbiddenQueueGetsUnauthorizedAccess() throws Exception {
        JsonNode r = PythonAmqpClient.run("attach-error", broker.port("amqp"), "secret.stuff", "limited", "secret");
        assertThat(r.get("attached").asBoolean()).isFalse();
        assertThat(r.get("condition").asText()).isEqualTo("amqp:unauthorized-access");
        assertThat(r.get("description").asText()).contains("secret.stuff");
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        JsonNode r = PythonAmqpClient.run("wrong-password", broker.port("amqp"));
        assertThat(r.get("connected").asBoolean()).isFalse();
        assertThat(r.get("error").asText()).containsIgnoringCase("auth");
    }
}
