package io.ferrymq.management;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Messages moved between queues through the API: a DLQ redrive back to the source, and a plain move. */
class DeadLetterMoveTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.start();

    private long depth(ApiClient api, String queue) {
        return api.get("/api/queues/%2F/" + queue).json().path("messages").asLong(-1);
    }

    private Connection amqp() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port("amqp"));
        f.setUsername("app");
        f.setPassword(ManagementBroker.PASSWORD);
        f.setAutomaticRecoveryEnabled(false);
        return f.newConnection();
    }

    @Test
    void messagesAnAmqpClientRejectedAreMovedFromTheDlqBackToTheirQueue() throws Exception {
        ApiClient api = new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
        try (Connection c = amqp()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("payments", true, false, false, null);
            for (int i = 0; i < 3; i++) {
                ch.basicPublish("", "payments", null, ("payment " + i).getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < 3; i++) {
                GetResponse r = null;
                while (r == null) {
                    r = ch.basicGet("payments", false);
                }
                ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> depth(api, "DLQ") == 3);
            assertThat(api.get("/api/queues/%2F/payments").json().path("messages_dead_lettered").asLong()).isEqualTo(3);

            ApiClient.Answer moved = api.post("/api/queues/%2F/DLQ/move", Map.of());
            assertThat(moved.status()).isEqualTo(200);
            assertThat(moved.json().path("moved").asLong()).isEqualTo(3);
            assertThat(moved.json().path("skipped").asLong()).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> depth(api, "payments") == 3 && depth(api, "DLQ") == 0);

            GetResponse back = ch.basicGet("payments", true);
            assertThat(new String(back.getBody(), StandardCharsets.UTF_8)).isEqualTo("payment 0");
            assertThat(back.getProps().getHeaders() == null || !back.getProps().getHeaders().containsKey("x-death-queue"))
                    .as("the redrive took the dead-letter annotations off").isTrue();
        }
    }

    @Test
    void someMessagesAreMovedToANamedQueue() {
        ApiClient api = new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
        api.put("/api/queues/%2F/from", Map.of());
        api.put("/api/queues/%2F/to", Map.of());
        for (int i = 0; i < 5; i++) {
            api.post("/api/exchanges/%2F/amq.default/publish", Map.of("routing_key", "from", "payload", "m" + i,
                    "payload_encoding", "string", "properties", Map.of()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> depth(api, "from") == 5);
        ApiClient.Answer moved = api.post("/api/queues/%2F/from/move", Map.of("destination", "to", "count", 2));
        assertThat(moved.json().path("moved").asLong()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> depth(api, "from") == 3 && depth(api, "to") == 2);

        assertThat(api.post("/api/queues/%2F/from/move", Map.of("destination", "missing")).status()).isEqualTo(404);
        assertThat(api.post("/api/queues/%2F/from/move", Map.of("destination", "from")).status()).isEqualTo(400);
        assertThat(api.as("monitor", ManagementBroker.PASSWORD).post("/api/queues/%2F/from/move",
                Map.of("destination", "to")).status()).isEqualTo(403);
    }
}
