package io.ferrymq.tests.security;

import io.ferrymq.server.FerryServer;
import io.ferrymq.tests.support.RawStomp;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Durable topic subscriptions keep a queue after their connection ends, so they count toward
 * {@code limits.max-queues-per-user} like declared queues, and are released when they are removed: past the limit a
 * new one is refused in each protocol's own terms (STOMP ERROR, MQTT SUBACK failure, AMQP 1.0
 * {@code amqp:resource-limit-exceeded} as a JMSException), naming the setting. Each test logs in as its own user.
 */
class DurableSubscriptionQuotaTest {

    @TempDir
    static Path dir;

    private static FerryServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LimitedBroker.start(dir, "stomp, mqtt, amqp", List.of("max-queues-per-user: 2"),
                List.of("stomp", "mqtt", "qpid"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static int port() {
        return server.listeners().get("tcp").getPort();
    }

    @Test
    void stompActiveMqDurablesCountAndAreReleasedByUnsubscribing() throws Exception {
        try (Socket s = stomp("app-1")) {
            assertThat(RawStomp.ask(s, durableSubscribe("a", "sub-a"))).startsWith("RECEIPT");
            assertThat(RawStomp.ask(s, durableSubscribe("b", "sub-b"))).startsWith("RECEIPT");
            String refused = RawStomp.ask(s, durableSubscribe("c", "sub-c"));
            assertThat(refused).startsWith("ERROR").contains("limits.max-queues-per-user");
        }
        try (Socket s = stomp("app-1")) {
            // ActiveMQ removes a durable subscription that is not active by unsubscribing its name.
            assertThat(RawStomp.ask(s, "UNSUBSCRIBE\nid:a\nactivemq.subscriptionName:sub-a\nreceipt:u\n\n\0"))
                    .startsWith("RECEIPT");
            assertThat(RawStomp.ask(s, durableSubscribe("c", "sub-c"))).startsWith("RECEIPT");
        }
    }

    /**
     * MQTT 3.1.1 through Paho (SUBACK 0x80). MQTT 5 clients get 0x97, quota exceeded, which Paho's MQTT 5 client
     * cannot parse in a SUBACK (it rejects the packet), hence 3.1.1 here.
     */
    @Test
    void mqttPersistentSessionsCountAndAreReleasedWhenTheSessionEnds() throws Exception {
        MqttClient second = mqtt("keep-2", false);
        MqttClient third = mqtt("keep-3", false);
        try {
            MqttClient first = mqtt("keep-1", false);
            assertThat(subscribe(first, "sensors/1")).isEqualTo(1);
            assertThat(subscribe(second, "sensors/2")).isEqualTo(1);
            assertThat(subscribe(third, "sensors/3")).isEqualTo(0x80);
            // A clean session's queue is gone with its connection: it is not held against the user.
            MqttClient clean = mqtt("clean-1", true);
            assertThat(subscribe(clean, "sensors/4")).isEqualTo(1);
            close(clean);

            // A clean session for the same client id ends the first persistent session, and with it its queue.
            close(first);
            close(mqtt("keep-1", true));
            await().atMost(Duration.ofSeconds(30)).until(() -> subscribe(third, "sensors/3") == 1);
        } finally {
            close(second);
            close(third);
        }
    }

    @Test
    void amqp10DurableSubscriptionsCountAndAreReleasedByUnsubscribing() throws Exception {
        try (Connection c = new JmsConnectionFactory("qpid", "secret", "amqp://127.0.0.1:" + port())
                .createConnection()) {
            c.setClientID("jms-app");
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createDurableSubscriber(s.createTopic("prices.eu"), "d1").close();
            s.createDurableSubscriber(s.createTopic("prices.us"), "d2").close();
            JMSException e = catchThrowableOfType(JMSException.class,
                    () -> s.createDurableSubscriber(s.createTopic("prices.asia"), "d3"));
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("limits.max-queues-per-user");

            s.unsubscribe("d1");
            s.createDurableSubscriber(s.createTopic("prices.asia"), "d3").close();
        }
    }

    private static String durableSubscribe(String id, String name) {
        return "SUBSCRIBE\ndestination:/topic/orders." + id + "\nid:" + id + "\nactivemq.subscriptionName:" + name
                + "\nreceipt:r-" + id + "\n\n\0";
    }

    private static Socket stomp(String clientId) throws IOException {
        return RawStomp.connect(port(), "stomp", "secret", "client-id:" + clientId);
    }

    private static MqttClient mqtt(String clientId, boolean cleanSession) throws MqttException {
        MqttClient c = new MqttClient("tcp://127.0.0.1:" + port(), clientId, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName("mqtt");
        o.setPassword("secret".toCharArray());
        o.setCleanSession(cleanSession);
        o.setConnectionTimeout(30);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        c.setTimeToWait(30_000);
        c.connect(o);
        return c;
    }

    /** The SUBACK's return code: the granted QoS, or 0x80 for a refusal. */
    private static int subscribe(MqttClient c, String topic) throws MqttException {
        try {
            return c.subscribeWithResponse(topic, 1).getGrantedQos()[0];
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttException.REASON_CODE_SUBSCRIBE_FAILED) {
                return 0x80;
            }
            throw e;
        }
    }

    private static void close(MqttClient c) throws MqttException {
        if (c.isConnected()) {
            c.disconnect();
        }
        c.close();
    }
}
