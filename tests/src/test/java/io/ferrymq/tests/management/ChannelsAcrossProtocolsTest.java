package io.ferrymq.tests.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.tests.support.MqttTestClient;
import io.ferrymq.tests.support.StompTestClient;
import io.ferrymq.transport.testing.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /api/connections/{name}/channels} for the protocols other than AMQP 0-9-1: an AMQP 1.0 or OpenWire session
 * is a channel with its consumers; a STOMP or MQTT connection has one implicit channel holding its subscriptions.
 */
class ChannelsAcrossProtocolsTest {

    private final EmbeddedBroker broker = ManagementTestBroker.start();
    private final ManagementHttp api = new ManagementHttp(broker.port("management"));

    @AfterEach
    void stop() {
        broker.close();
    }

    /** The channels of the one connection whose protocol starts so, once it is listed. */
    private List<JsonNode> channelsOf(String protocolPrefix) {
        String[] name = new String[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode c : api.get("/api/connections")) {
                if (c.path("protocol").asText().startsWith(protocolPrefix)) {
                    name[0] = c.path("name").asText();
                    return true;
                }
            }
            return false;
        });
        List<JsonNode> out = new ArrayList<>();
        api.get("/api/connections/" + name[0] + "/channels").forEach(out::add);
        return out;
    }

    private static int consumers(List<JsonNode> channels) {
        return channels.stream().mapToInt(c -> c.path("consumer_count").asInt()).sum();
    }

    @Test
    void eachAmqp10SessionIsAChannelWithItsConsumers() throws Exception {
        Connection jms = new JmsConnectionFactory("app", "secret", "amqp://127.0.0.1:" + broker.port("mixed"))
                .createConnection();
        try {
            jms.start();
            Session consuming = jms.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            consuming.createConsumer(consuming.createQueue("amqp-work"));
            jms.createSession(false, Session.AUTO_ACKNOWLEDGE).createProducer(null);
            await().atMost(Duration.ofSeconds(20)).until(() -> consumers(channelsOf("amqp-1")) == 1);
            List<JsonNode> channels = channelsOf("amqp-1");
            // Qpid JMS opens a session of its own for the connection besides the two the application made.
            assertThat(channels.size()).isGreaterThanOrEqualTo(2);
            assertThat(channels.stream().filter(c -> c.path("consumer_count").asInt() == 1)).hasSize(1);
            assertThat(channels.stream().map(c -> c.path("number").asInt()).distinct()).hasSize(channels.size());
        } finally {
            jms.close();
        }
    }

    @Test
    void eachOpenwireSessionIsAChannelWithItsConsumersAndPrefetch() throws Exception {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + broker.port("mixed"));
        f.setWatchTopicAdvisories(false);
        Connection jms = f.createConnection("app", "secret");
        try {
            jms.start();
            Session consuming = jms.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            consuming.createConsumer(consuming.createQueue("openwire-work"));
            jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            await().atMost(Duration.ofSeconds(20)).until(() -> channelsOf("openwire").size() == 2
                    && consumers(channelsOf("openwire")) == 1);
            JsonNode withConsumer = channelsOf("openwire").stream()
                    .filter(c -> c.path("consumer_count").asInt() == 1).findFirst().orElseThrow();
            assertThat(withConsumer.path("prefetch_count").asInt()).isEqualTo(1000);
        } finally {
            jms.close();
        }
    }

    @Test
    void aStompConnectionHasOneImplicitChannelHoldingItsSubscriptions() throws Exception {
        try (StompTestClient stomp = StompTestClient.connect(broker.port("mixed"))) {
            stomp.subscribe("/queue/stomp-work");
            await().atMost(Duration.ofSeconds(20)).until(() -> consumers(channelsOf("stomp")) == 1);
            List<JsonNode> channels = channelsOf("stomp");
            assertThat(channels).hasSize(1);
            assertThat(channels.get(0).path("number").asInt()).isEqualTo(1);
        }
    }

    @Test
    void anMqttConnectionHasOneImplicitChannel() throws Exception {
        try (MqttTestClient mqtt = MqttTestClient.connect(broker.port("mixed"), "channels-probe")) {
            mqtt.client().subscribe("sensors/#", 1).waitForCompletion(15_000);
            List<JsonNode> channels = channelsOf("mqtt");
            assertThat(channels).hasSize(1);
            assertThat(channels.get(0).path("user").asText()).isEqualTo("guest");
        }
    }
}
