package io.ferrymq.management;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.JMSContext;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ferrymq_messages_{received,delivered,acknowledged,rejected}_total{protocol=...}}: counted at the core's
 * session for every protocol, read from /metrics as Prometheus text while real clients of each send and consume.
 */
class ProtocolMessageMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.allProtocols().build();

    private double value(String counter, String protocol) {
        String text = new ApiClient(broker.port("management"), null, null).get("/metrics").text();
        return new PrometheusText(text).value("ferrymq_messages_" + counter + "_total", Map.of("protocol", protocol))
                .orElse(0.0);
    }

    @Test
    void stompMessagesAreCountedInAndOutAndAcknowledged() throws Exception {
        try (RawStomp stomp = new RawStomp(broker.port("mixed"), "app", ManagementBroker.PASSWORD)) {
            stomp.send("SUBSCRIBE", Map.of("id", "1", "destination", "/queue/stomp.counted",
                    "ack", "client-individual", "receipt", "r1"), "");
            assertThat(stomp.read().command()).isEqualTo("RECEIPT");
            stomp.send("SEND", Map.of("destination", "/queue/stomp.counted", "receipt", "r2"), "hello");
            RawStomp.Frame message = null;
            for (int i = 0; i < 2; i++) {
                RawStomp.Frame f = stomp.read();
                if (f.command().equals("MESSAGE")) {
                    message = f;
                }
            }
            assertThat(message).isNotNull();
            stomp.send("ACK", Map.of("id", message.headers().get("ack")), "");
        }
        await().atMost(WAIT).until(() -> value("acknowledged", "stomp") == 1.0);
        assertThat(value("received", "stomp")).isEqualTo(1.0);
        assertThat(value("delivered", "stomp")).isEqualTo(1.0);
        assertThat(new PrometheusText(new ApiClient(broker.port("management"), null, null).get("/metrics").text())
                .type("ferrymq_messages_received_total")).isEqualTo("counter");
    }

    @Test
    void mqttPublishesAndDeliveriesAreCounted() throws Exception {
        MqttClient mqtt = new MqttClient("tcp://127.0.0.1:" + broker.port("mixed"), "counted", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName("app");
        o.setPassword(ManagementBroker.PASSWORD.getBytes(StandardCharsets.UTF_8));
        BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        mqtt.connect(o);
        try {
            mqtt.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                    new org.eclipse.paho.mqttv5.common.MqttSubscription("sensors/counted", 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {
                            (topic, m) -> inbox.add(new String(m.getPayload(), StandardCharsets.UTF_8))});
            for (int i = 0; i < 3; i++) {
                mqtt.publish("sensors/counted", ("t" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            for (int i = 0; i < 3; i++) {
                assertThat(inbox.poll(30, TimeUnit.SECONDS)).isNotNull();
            }
            await().atMost(WAIT).until(() -> value("acknowledged", "mqtt") == 3.0);
            assertThat(value("received", "mqtt")).isEqualTo(3.0);
            assertThat(value("delivered", "mqtt")).isEqualTo(3.0);
        } finally {
            mqtt.disconnect();
            mqtt.close();
        }
    }

    @Test
    void amqp10SendsAndReceivesAreCountedApartFromAmqp091Rejections() throws Exception {
        JmsConnectionFactory factory = new JmsConnectionFactory("app", ManagementBroker.PASSWORD,
                "amqp://127.0.0.1:" + broker.port("mixed"));
        try (JMSContext jms = factory.createContext()) {
            jms.createProducer().send(jms.createQueue("amqp.counted"), "one");
            jms.createProducer().send(jms.createQueue("amqp.counted"), "two");
            assertThat(jms.createConsumer(jms.createQueue("amqp.counted")).receiveBody(String.class, 30_000))
                    .isEqualTo("one");
        }
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port("amqp"));
        f.setUsername("app");
        f.setPassword(ManagementBroker.PASSWORD);
        f.setAutomaticRecoveryEnabled(false);
        try (Connection c = f.newConnection()) {
            Channel ch = c.createChannel();
            GetResponse got = null;
            for (long end = System.nanoTime() + WAIT.toNanos(); got == null && System.nanoTime() < end; ) {
                got = ch.basicGet("amqp.counted", false);
            }
            assertThat(got).isNotNull();
            ch.basicReject(got.getEnvelope().getDeliveryTag(), false);
            await().atMost(WAIT).until(() -> value("rejected", "amqp091") == 1.0);
        }
        assertThat(value("received", "amqp")).isEqualTo(2.0);
        assertThat(value("delivered", "amqp")).isGreaterThanOrEqualTo(1.0);
        assertThat(value("acknowledged", "amqp")).isEqualTo(1.0);
        assertThat(value("rejected", "amqp")).isZero();
        assertThat(value("received", "amqp091")).isZero();
        assertThat(value("delivered", "amqp091")).isEqualTo(1.0);
    }
}
