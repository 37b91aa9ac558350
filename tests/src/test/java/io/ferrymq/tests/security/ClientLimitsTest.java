package io.ferrymq.tests.security;

import com.rabbitmq.client.ConnectionFactory;
import io.ferrymq.server.FerryServer;
import io.ferrymq.tests.support.RawStomp;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
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
 * The limits against abuse ({@code limits:} in broker.yaml), each answered in the protocol's own terms: a user with
 * two connections open is refused a third (MQTT 5 CONNACK 0x97 quota exceeded, MQTT 3.1.1 server unavailable, AMQP
 * 0-9-1 530 on connection.open, AMQP 1.0 and OpenWire a JMS exception, STOMP an ERROR frame), a connection gets at
 * most its channels, sessions and subscriptions, and meanwhile other users connect and work as before. Each test logs
 * in as a user of its own so that their counts do not mix.
 */
class ClientLimitsTest {

    @TempDir
    static Path dir;

    private static FerryServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LimitedBroker.start(dir, "stomp, mqtt, amqp, amqp091, openwire",
                List.of("max-connections-per-user: 2", "max-channels-per-connection: 3", "max-consumers-per-connection: 2"),
                List.of("mqtt5", "mqtt3", "rabbit", "qpid", "stomp", "activemq", "other"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void mqtt5RefusesTheThirdConnectionOfAUserWithQuotaExceeded() throws Exception {
        List<MqttAsyncClient> open = new ArrayList<>();
        try {
            open.add(mqtt5("mqtt5"));
            open.add(mqtt5("mqtt5"));
            MqttException e = catchThrowableOfType(MqttException.class, () -> open.add(mqtt5("mqtt5")));
            assertThat(e).isNotNull();
            assertThat(e.getReasonCode()).isEqualTo(0x97);
            anotherUserIsUnaffected();
        } finally {
            for (MqttAsyncClient c : open) {
                c.disconnect().waitForCompletion(30_000);
                c.close();
            }
        }
    }

    @Test
    void mqtt311RefusesTheThirdConnectionOfAUserAsServerUnavailable() throws Exception {
        List<MqttClient> open = new ArrayList<>();
        try {
            open.add(mqtt3());
            open.add(mqtt3());
            org.eclipse.paho.client.mqttv3.MqttException e = catchThrowableOfType(
                    org.eclipse.paho.client.mqttv3.MqttException.class, () -> open.add(mqtt3()));
            assertThat(e).isNotNull();
            assertThat(e.getReasonCode())
                    .isEqualTo(org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_BROKER_UNAVAILABLE);
        } finally {
            for (MqttClient c : open) {
                c.disconnect();
                c.close();
            }
        }
    }

    @Test
    void amqp091RefusesTheThirdConnectionAndOffersTheChannelLimitAsChannelMax() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setPort(port());
        f.setUsername("rabbit");
        f.setPassword("secret");
        try (com.rabbitmq.client.Connection a = f.newConnection(); com.rabbitmq.client.Connection b = f.newConnection()) {
            Throwable e = catchThrowable(f::newConnection);
            assertThat(e).isNotNull();
            assertThat(rootMessage(e)).contains("NOT_ALLOWED", "limits.max-connections-per-user");

            assertThat(a.getChannelMax()).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                assertThat(a.createChannel()).isNotNull();
            }
            // The client keeps to the channel-max it was offered.
            assertThat(a.createChannel()).isNull();
            anotherUserIsUnaffected();
            assertThat(b.isOpen()).isTrue();
        }
    }

    @Test
    void amqp10RefusesTheThirdConnectionOfAUser() throws Exception {
        JmsConnectionFactory f = new JmsConnectionFactory("qpid", "secret", "amqp://127.0.0.1:" + port());
        try (Connection a = f.createConnection(); Connection b = f.createConnection()) {
            a.start();
            b.start();
            JMSException e = catchThrowableOfType(JMSException.class, () -> {
                try (Connection c = f.createConnection()) {
                    c.start();
                }
            });
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("limits.max-connections-per-user");
            anotherUserIsUnaffected();
        }
    }

    @Test
    void amqp10OffersTheChannelLimitAsChannelMaxAndRefusesALinkPastTheConsumerLimit() throws Exception {
        JmsConnectionFactory f = new JmsConnectionFactory("qpid", "secret", "amqp://127.0.0.1:" + port());
        try (Connection c = f.createConnection()) {
            c.start();
            // Qpid JMS keeps a session of its own for the connection: two more fit within three channels. It does
            // not keep to channel-max itself, and a channel past it is a framing error that ends the connection
            // (AMQP 1.0, 2.7.1), with the limit named.
            Session one = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Throwable past = catchThrowable(() -> c.createSession(false, Session.AUTO_ACKNOWLEDGE));
            assertThat(past).as("a session past channel-max").isInstanceOf(JMSException.class);
            assertThat(rootMessage(past)).contains("limits.max-channels-per-connection");

            try (Connection d = f.createConnection()) {
                Session s = d.createSession(false, Session.AUTO_ACKNOWLEDGE);
                s.createConsumer(s.createQueue("limits.amqp"));
                s.createConsumer(s.createQueue("limits.amqp"));
                JMSException third = catchThrowableOfType(JMSException.class,
                        () -> s.createConsumer(s.createQueue("limits.amqp")));
                assertThat(third).isNotNull();
                assertThat(third.getMessage()).contains("limits.max-consumers-per-connection");
                // The connection carries on.
                s.createProducer(s.createQueue("limits.amqp")).send(s.createTextMessage("still here"));
            }
            anotherUserIsUnaffected();
            assertThat(one).isNotNull();
        }
    }

    @Test
    void openwireRefusesTheThirdConnectionAndASessionPastTheLimit() throws Exception {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port());
        try (Connection a = f.createConnection("activemq", "secret");
             Connection b = f.createConnection("activemq", "secret")) {
            a.start();
            b.start();
            JMSException e = catchThrowableOfType(JMSException.class, () -> {
                try (Connection c = f.createConnection("activemq", "secret")) {
                    c.start();
                }
            });
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("limits.max-connections-per-user");

            for (int i = 0; i < 3; i++) {
                a.createSession(false, Session.AUTO_ACKNOWLEDGE);
            }
            // The client sends a session's opening without waiting for it: the refusal reaches what it waits for next.
            Session fourth = a.createSession(false, Session.AUTO_ACKNOWLEDGE);
            JMSException past = catchThrowableOfType(JMSException.class,
                    () -> fourth.createProducer(fourth.createQueue("limits.openwire")));
            assertThat(past).isInstanceOf(jakarta.jms.ResourceAllocationException.class);
            assertThat(past.getMessage()).contains("limits.max-channels-per-connection");
            // The connection itself carries on.
            Session s = b.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("limits.openwire")).send(s.createTextMessage("still here"));
            anotherUserIsUnaffected();
        }
    }

    @Test
    void stompRefusesTheThirdConnectionAndTheThirdSubscriptionWithAnErrorFrame() throws Exception {
        try (Socket a = stomp("stomp"); Socket b = stomp("stomp")) {
            IllegalStateException refused = catchThrowableOfType(IllegalStateException.class, () -> stomp("stomp"));
            assertThat(refused).hasMessageStartingWith("not CONNECTED: ERROR")
                    .hasMessageContaining("limits.max-connections-per-user");

            for (int id = 1; id <= 2; id++) {
                a.getOutputStream().write(("SUBSCRIBE\ndestination:/queue/limits.stomp\nid:" + id + "\nreceipt:r" + id
                        + "\n\n\0").getBytes(StandardCharsets.UTF_8));
                assertThat(RawStomp.readFrame(a.getInputStream())).startsWith("RECEIPT");
            }
            a.getOutputStream().write("SUBSCRIBE\ndestination:/queue/limits.stomp\nid:3\nreceipt:r3\n\n\0"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(RawStomp.readFrame(a.getInputStream())).startsWith("ERROR")
                    .contains("limits.max-consumers-per-connection");
            anotherUserIsUnaffected();
        }
    }

    /** A user with nothing open logs in, sends and receives over STOMP while another is at its limit. */
    private static void anotherUserIsUnaffected() throws IOException {
        try (Socket s = stomp("other")) {
            s.getOutputStream().write(("SUBSCRIBE\ndestination:/queue/limits.other\nid:1\n\n\0"
                    + "SEND\ndestination:/queue/limits.other\n\nunaffected\0").getBytes(StandardCharsets.UTF_8));
            assertThat(RawStomp.readFrame(s.getInputStream())).startsWith("MESSAGE").endsWith("unaffected");
        }
    }

    private static MqttAsyncClient mqtt5(String user) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient("tcp://127.0.0.1:" + port(), "limits-" + System.nanoTime(),
                new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(user);
        o.setPassword("secret".getBytes(StandardCharsets.UTF_8));
        o.setAutomaticReconnect(false);
        try {
            c.connect(o).waitForCompletion(30_000);
        } catch (MqttException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private static MqttClient mqtt3() throws org.eclipse.paho.client.mqttv3.MqttException {
        MqttClient c = new MqttClient("tcp://127.0.0.1:" + port(), "limits-" + System.nanoTime(),
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setUserName("mqtt3");
        o.setPassword("secret".toCharArray());
        try {
            c.connect(o);
        } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private static Socket stomp(String user) throws IOException {
        return RawStomp.connect(port(), user, "secret");
    }

    private static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append(" | ");
        }
        return all.toString();
    }

    private static int port() {
        return server.listeners().get("tcp").getPort();
    }
}
