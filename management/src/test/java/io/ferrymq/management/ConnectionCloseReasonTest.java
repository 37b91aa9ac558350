package io.ferrymq.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.JMSException;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code DELETE /api/connections/{name}} with RabbitMQ's {@code X-Reason} header: each protocol's real client hears
 * the reason in its protocol's own close.
 */
class ConnectionCloseReasonTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String REASON = "maintenance window 42";

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.allProtocols().build();

    private ApiClient api() {
        return new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
    }

    /** Closes the one connection whose protocol starts so, with the reason, once it is listed. */
    private void closeThroughApi(String protocolPrefix, String reason) throws Exception {
        String[] name = new String[1];
        await().atMost(WAIT).until(() -> {
            for (JsonNode c : api().get("/api/connections").json()) {
                if (c.path("protocol").asText().startsWith(protocolPrefix)) {
                    name[0] = c.path("name").asText();
                    return true;
                }
            }
            return false;
        });
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broker.port("management")
                        + "/api/connections/" + name[0]))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        ("admin:" + ManagementBroker.PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .timeout(WAIT).DELETE();
        if (reason != null) {
            r.header("X-Reason", reason);
        }
        HttpResponse<String> res = HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(204);
    }

    @Test
    void anAmqp091ClientGetsConnectionForcedWithTheReason() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port("amqp"));
        f.setUsername("app");
        f.setPassword(ManagementBroker.PASSWORD);
        f.setAutomaticRecoveryEnabled(false);
        Connection c = f.newConnection();
        try {
            AtomicReference<ShutdownSignalException> closed = new AtomicReference<>();
            c.addShutdownListener(closed::set);
            closeThroughApi("amqp-0-9", REASON);
            await().atMost(WAIT).until(() -> closed.get() != null);
            assertThat(closed.get().isInitiatedByApplication()).isFalse();
            AMQP.Connection.Close close = (AMQP.Connection.Close) closed.get().getReason();
            assertThat(close.getReplyCode()).isEqualTo(320);
            assertThat(close.getReplyText()).isEqualTo("CONNECTION_FORCED - " + REASON);
        } finally {
            c.abort();
        }
    }

    @Test
    void withoutAReasonTheClientHearsRabbitmqsDefault() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port("amqp"));
        f.setUsername("app");
        f.setPassword(ManagementBroker.PASSWORD);
        f.setAutomaticRecoveryEnabled(false);
        Connection c = f.newConnection();
        try {
            AtomicReference<ShutdownSignalException> closed = new AtomicReference<>();
            c.addShutdownListener(closed::set);
            closeThroughApi("amqp-0-9", null);
            await().atMost(WAIT).until(() -> closed.get() != null);
            assertThat(((AMQP.Connection.Close) closed.get().getReason()).getReplyText())
                    .isEqualTo("CONNECTION_FORCED - Closed via management plugin");
        } finally {
            c.abort();
        }
    }

    @Test
    void anAmqp10ClientGetsConnectionForcedWithTheReason() throws Exception {
        jakarta.jms.Connection c = new JmsConnectionFactory("app", ManagementBroker.PASSWORD,
                "amqp://127.0.0.1:" + broker.port("mixed")).createConnection();
        try {
            List<JMSException> errors = new CopyOnWriteArrayList<>();
            c.setExceptionListener(errors::add);
            c.start();
            closeThroughApi("amqp-1", REASON);
            await().atMost(WAIT).until(() -> !errors.isEmpty());
            assertThat(errors.get(0).getMessage()).contains(REASON).contains("amqp:connection:forced");
        } finally {
            c.close();
        }
    }

    @Test
    void anMqtt5ClientGetsAdministrativeActionWithTheReason() throws Exception {
        MqttClient mqtt = new MqttClient("tcp://127.0.0.1:" + broker.port("mixed"), "closed-by-operator",
                new MemoryPersistence());
        AtomicReference<MqttDisconnectResponse> disconnected = new AtomicReference<>();
        mqtt.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                disconnected.set(response);
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName("app");
        o.setPassword(ManagementBroker.PASSWORD.getBytes(StandardCharsets.UTF_8));
        mqtt.connect(o);
        try {
            closeThroughApi("mqtt", REASON);
            await().atMost(WAIT).until(() -> disconnected.get() != null);
            assertThat(disconnected.get().getReturnCode()).isEqualTo(0x98);
            assertThat(disconnected.get().getReasonString()).isEqualTo(REASON);
        } finally {
            mqtt.close(true);
        }
    }

    @Test
    void aStompClientGetsAnErrorFrameWithTheReason() throws Exception {
        try (RawStomp stomp = new RawStomp(broker.port("mixed"), "app", ManagementBroker.PASSWORD)) {
            closeThroughApi("stomp", REASON);
            RawStomp.Frame error = stomp.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.headers().get("message")).endsWith(": " + REASON);
            assertThat(stomp.read()).as("the socket closes after the ERROR frame").isNull();
        }
    }

    @Test
    void anOpenwireClientsExceptionListenerHearsTheReason() throws Exception {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + broker.port("mixed"));
        f.setWatchTopicAdvisories(false);
        jakarta.jms.Connection c = f.createConnection("app", ManagementBroker.PASSWORD);
        try {
            List<JMSException> errors = new CopyOnWriteArrayList<>();
            c.setExceptionListener(errors::add);
            c.start();
            closeThroughApi("openwire", REASON);
            await().atMost(WAIT).until(() -> errors.stream().anyMatch(e -> REASON.equals(e.getMessage())));
        } finally {
            try {
                c.close();
            } catch (JMSException alreadyClosed) {
                // the broker closed it
            }
        }
    }
}
