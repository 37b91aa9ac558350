package io.ferrymq.tests.security;

import com.rabbitmq.client.ConnectionFactory;
import io.ferrymq.server.FerryServer;
import io.ferrymq.tests.support.RawStomp;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code limits.max-connections-per-user} at the size the README gives as its example: a user limited to 1,000
 * holds 1,000 open connections, and its 1,001st is refused over every protocol in that protocol's own terms (STOMP
 * ERROR, MQTT 5 CONNACK 0x97, MQTT 3.1.1 server unavailable, AMQP 0-9-1 NOT_ALLOWED, AMQP 1.0 and OpenWire a JMS
 * exception), naming the setting; once one of the thousand closes, the user connects again.
 */
class ThousandConnectionsLimitTest {

    private static final int LIMIT = 1000;

    @TempDir
    static Path dir;

    private static FerryServer server;
    private static final List<Socket> held = new ArrayList<>();

    @BeforeAll
    static void startAndFillTheUsersConnections() throws Exception {
        server = LimitedBroker.start(dir, "stomp, mqtt, amqp, amqp091, openwire",
                List.of("max-connections-per-user: " + LIMIT), List.of("many"));
        for (int i = 0; i < LIMIT; i++) {
            held.add(RawStomp.connect(port(), "many", "secret"));
        }
    }

    @AfterAll
    static void stop() throws IOException {
        for (Socket s : held) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static int port() {
        return server.listeners().get("tcp").getPort();
    }

    @Test
    void stompRefusesTheThousandAndFirstWithAnErrorFrame() {
        IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
                () -> RawStomp.connect(port(), "many", "secret"));
        assertThat(e).hasMessageStartingWith("not CONNECTED: ERROR")
                .hasMessageContaining("limits.max-connections-per-user");
    }

    @Test
    void mqtt5RefusesTheThousandAndFirstWithQuotaExceeded() throws Exception {
        MqttAsyncClient c = new MqttAsyncClient("tcp://127.0.0.1:" + port(), "many-5", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName("many");
        o.setPassword("secret".getBytes(StandardCharsets.UTF_8));
        o.setAutomaticReconnect(false);
        try {
            MqttException e = catchThrowableOfType(MqttException.class, () -> c.connect(o).waitForCompletion(30_000));
            assertThat(e).isNotNull();
            assertThat(e.getReasonCode()).isEqualTo(0x97);
        } finally {
            c.close();
        }
    }

    @Test
    void mqtt311RefusesTheThousandAndFirstAsServerUnavailable() throws Exception {
        MqttClient c = new MqttClient("tcp://127.0.0.1:" + port(), "many-3",
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setUserName("many");
        o.setPassword("secret".toCharArray());
        try {
            org.eclipse.paho.client.mqttv3.MqttException e = catchThrowableOfType(
                    org.eclipse.paho.client.mqttv3.MqttException.class, () -> c.connect(o));
            assertThat(e).isNotNull();
            assertThat(e.getReasonCode())
                    .isEqualTo(org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_BROKER_UNAVAILABLE);
        } finally {
            c.close();
        }
    }

    @Test
    void amqp091RefusesTheThousandAndFirstWithNotAllowed() {
        ConnectionFactory f = new ConnectionFactory();
        f.setPort(port());
        f.setUsername("many");
        f.setPassword("secret");
        Throwable e = catchThrowable(f::newConnection);
        assertThat(e).isNotNull();
        assertThat(causes(e)).contains("NOT_ALLOWED", "limits.max-connections-per-user");
    }

    @Test
    void amqp10RefusesTheThousandAndFirstWithAJmsException() {
        JmsConnectionFactory f = new JmsConnectionFactory("many", "secret", "amqp://127.0.0.1:" + port());
        JMSException e = catchThrowableOfType(JMSException.class, () -> {
            try (Connection c = f.createConnection()) {
                c.start();
            }
        });
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("limits.max-connections-per-user");
    }

    @Test
    void openwireRefusesTheThousandAndFirstWithAJmsException() {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port());
        JMSException e = catchThrowableOfType(JMSException.class, () -> {
            try (Connection c = f.createConnection("many", "secret")) {
                c.start();
            }
        });
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("limits.max-connections-per-user");
    }

    @Test
    void aClosedConnectionMakesRoomForANewOne() throws Exception {
        held.remove(held.size() - 1).close();
        // The broker counts the connection gone once it has seen the close: wait for that, not for a fixed time.
        Socket again = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .ignoreException(IllegalStateException.class)
                .until(() -> RawStomp.connect(port(), "many", "secret"), s -> s != null);
        held.add(again);
        assertThat(RawStomp.ask(again, "SEND\ndestination:/queue/many\nreceipt:r\n\nstill working\0"))
                .startsWith("RECEIPT");
    }

    private static String causes(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append(" | ");
        }
        return all.toString();
    }
}
