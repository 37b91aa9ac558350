package io.ferrymq.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /api/channels}: one entry per AMQP 0-9-1 channel, with its consumers, unacknowledged messages and QoS. */
class ChannelApiTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.start();

    private Connection connect() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port("amqp"));
        f.setUsername("app");
        f.setPassword(ManagementBroker.PASSWORD);
        f.setAutomaticRecoveryEnabled(false);
        return f.newConnection("channels");
    }

    @Test
    void eachAmqpChannelIsListedWithItsConsumersUnackedMessagesAndPrefetch() throws Exception {
        ApiClient api = new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
        try (Connection c = connect()) {
            Channel publisher = c.createChannel();
            publisher.confirmSelect();
            publisher.queueDeclare("work", true, false, false, null);
            publisher.basicPublish("", "work", null, "one".getBytes(StandardCharsets.UTF_8));
            publisher.waitForConfirmsOrDie(20_000);
            Channel consumer = c.createChannel();
            consumer.basicQos(5);
            consumer.basicConsume("work", false, new DefaultConsumer(consumer));

            await().atMost(Duration.ofSeconds(20)).until(() -> {
                JsonNode all = api.get("/api/channels").json();
                return all.size() == 2 && all.get(1).path("messages_unacknowledged").asInt() == 1;
            });
            JsonNode all = api.get("/api/channels").json();
            String conn = api.get("/api/connections").json().get(0).path("name").asText();
            JsonNode first = all.get(0);
            assertThat(first.path("name").asText()).isEqualTo(conn + " (1)");
            assertThat(first.path("number").asInt()).isEqualTo(1);
            assertThat(first.path("user").asText()).isEqualTo("app");
            assertThat(first.path("vhost").asText()).isEqualTo("/");
            assertThat(first.path("confirm").asBoolean()).isTrue();
            assertThat(first.path("consumer_count").asInt()).isZero();
            assertThat(first.path("connection_details").path("name").asText()).isEqualTo(conn);
            assertThat(first.path("connection_details").path("peer_host").asText()).isEqualTo("127.0.0.1");
            JsonNode second = all.get(1);
            assertThat(second.path("name").asText()).isEqualTo(conn + " (2)");
            assertThat(second.path("consumer_count").asInt()).isEqualTo(1);
            assertThat(second.path("prefetch_count").asInt()).isEqualTo(5);
            assertThat(second.path("confirm").asBoolean()).isFalse();

            assertThat(api.get("/api/connections/" + conn).json().path("channels").asInt()).isEqualTo(2);
            assertThat(api.get("/api/overview").json().path("object_totals").path("channels").asInt()).isEqualTo(2);
            assertThat(api.get("/api/connections/" + conn + "/channels").json()).hasSize(2);
            assertThat(api.get("/api/vhosts/%2F/channels").json()).hasSize(2);
            JsonNode one = api.get("/api/channels/" + conn + "%20(2)").json();
            assertThat(one.path("consumer_count").asInt()).isEqualTo(1);
            assertThat(api.get("/api/channels/" + conn + "%20(9)").status()).isEqualTo(404);

            consumer.close();
            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/channels").json().size() == 1);
        }
    }

    @Test
    void aManagementUserDoesNotSeeAnotherUsersChannels() throws Exception {
        ApiClient admin = new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
        try (Connection c = connect()) {
            c.createChannel();
            await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/api/channels").json().size() == 1);
            assertThat(admin.as("monitor", ManagementBroker.PASSWORD).get("/api/channels").json()).hasSize(1);
            assertThat(admin.as("manager", ManagementBroker.PASSWORD).get("/api/channels").json()).isEmpty();
        }
    }
}
