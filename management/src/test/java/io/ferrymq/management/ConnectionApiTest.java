package io.ferrymq.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Client connections and consumers as the API lists them, and closing a connection from the API. */
class ConnectionApiTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.start();

    private Connection connect(String user) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port("amqp"));
        f.setUsername(user);
        f.setPassword(ManagementBroker.PASSWORD);
        f.setAutomaticRecoveryEnabled(false);
        return f.newConnection("orders-service");
    }

    private JsonNode onlyConnection(ApiClient api) {
        JsonNode all = api.get("/api/connections").json();
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void anAmqpClientIsListedWithItsConsumerAndClosedThroughTheApi() throws Exception {
        ApiClient api = new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
        Connection c = connect("app");
        try {
            Channel ch = c.createChannel();
            ch.queueDeclare("work", true, false, false, null);
            ch.basicConsume("work", false, new DefaultConsumer(ch));

            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/connections").json().size() == 1);
            JsonNode conn = onlyConnection(api);
            assertThat(conn.path("user").asText()).isEqualTo("app");
            assertThat(conn.path("vhost").asText()).isEqualTo("/");
            assertThat(conn.path("protocol").asText()).startsWith("amqp");
            assertThat(conn.path("peer_host").asText()).isEqualTo("127.0.0.1");
            assertThat(conn.path("peer_port").asInt()).isPositive();

            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/consumers").json().size() == 1);
            JsonNode consumer = api.get("/api/consumers").json().get(0);
            assertThat(consumer.path("queue").path("name").asText()).isEqualTo("work");
            assertThat(consumer.path("channel_details").path("connection_name").asText())
                    .isEqualTo(conn.path("name").asText());
            assertThat(api.get("/api/queues/%2F/work").json().path("consumers").asInt()).isEqualTo(1);

            assertThat(api.delete("/api/connections/" + conn.path("name").asText()).status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(20)).until(() -> !c.isOpen());
            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/connections").json().isEmpty());
        } finally {
            c.abort();
        }
    }

    @Test
    void aManagementUserSeesOnlyItsOwnConnectionsAndMayNotCloseOthers() throws Exception {
        ApiClient admin = new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
        ApiClient manager = admin.as("manager", ManagementBroker.PASSWORD);
        try (Connection c = connect("app")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/api/connections").json().size() == 1);
            String name = onlyConnection(admin).path("name").asText();
            assertThat(manager.get("/api/connections").json()).isEmpty();
            assertThat(manager.delete("/api/connections/" + name).status()).isEqualTo(404);
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void theApisOwnRequestsAreNotListedAsConnections() {
        ApiClient api = new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
        api.put("/api/queues/%2F/x", java.util.Map.of());
        assertThat(api.get("/api/connections").json()).isEmpty();
        assertThat(api.get("/api/overview").json().path("object_totals").path("connections").asInt()).isZero();
    }
}
