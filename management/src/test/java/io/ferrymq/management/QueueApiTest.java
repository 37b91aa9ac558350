package io.ferrymq.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Queues, exchanges and bindings on RabbitMQ's paths and in its JSON shapes. */
class QueueApiTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.start();

    private ApiClient admin() {
        return new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
    }

    private JsonNode queue(ApiClient api, String name) {
        ApiClient.Answer a = api.get("/api/queues/%2F/" + name);
        assertThat(a.status()).isEqualTo(200);
        return a.json();
    }

    @Test
    void aQueueIsDeclaredListedPeekedPurgedAndDeleted() {
        ApiClient api = admin();
        assertThat(api.put("/api/queues/%2F/orders", Map.of("durable", true)).status()).isEqualTo(201);
        assertThat(api.put("/api/queues/%2F/orders", Map.of("durable", true)).status())
                .as("declaring it again changes nothing").isEqualTo(204);

        JsonNode listed = api.get("/api/queues").json();
        assertThat(listed.isArray()).isTrue();
        JsonNode orders = null;
        for (JsonNode q : listed) {
            if (q.path("name").asText().equals("orders")) {
                orders = q;
            }
        }
        assertThat(orders).isNotNull();
        assertThat(orders.path("vhost").asText()).isEqualTo("/");
        assertThat(orders.path("durable").asBoolean()).isTrue();
        assertThat(orders.path("messages").asLong()).isZero();
        for (String field : new String[]{"messages_ready", "messages_unacknowledged", "consumers", "auto_delete",
                "exclusive", "arguments", "state"}) {
            assertThat(orders.has(field)).as(field).isTrue();
        }

        ApiClient.Answer published = api.post("/api/exchanges/%2F/amq.default/publish", Map.of("routing_key", "orders",
                "payload", "first order", "payload_encoding", "string", "properties", Map.of("delivery_mode", 2)));
        assertThat(published.status()).isEqualTo(200);
        assertThat(published.json().path("routed").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> queue(api, "orders").path("messages").asLong() == 1);

        ApiClient.Answer peeked = api.post("/api/queues/%2F/orders/get",
                Map.of("count", 5, "ackmode", "ack_requeue_true", "encoding", "auto"));
        assertThat(peeked.status()).isEqualTo(200);
        assertThat(peeked.json()).hasSize(1);
        assertThat(peeked.json().get(0).path("payload").asText()).isEqualTo("first order");
        assertThat(peeked.json().get(0).path("payload_encoding").asText()).isEqualTo("string");
        assertThat(peeked.json().get(0).path("properties").path("delivery_mode").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> queue(api, "orders").path("messages_ready").asLong() == 1);

        assertThat(api.delete("/api/queues/%2F/orders/contents").status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(20)).until(() -> queue(api, "orders").path("messages").asLong() == 0);

        assertThat(api.delete("/api/queues/%2F/orders").status()).isEqualTo(204);
        ApiClient.Answer gone = api.get("/api/queues/%2F/orders");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().path("error").asText()).isEqualTo("not_found");
        assertThat(gone.json().path("reason").asText()).contains("orders");
    }

    @Test
    void aPeekThatAcknowledgesTakesTheMessagesAway() {
        ApiClient api = admin();
        api.put("/api/queues/%2F/taken", Map.of());
        for (int i = 0; i < 3; i++) {
            api.post("/api/exchanges/%2F/amq.default/publish", Map.of("routing_key", "taken", "payload", "m" + i,
                    "payload_encoding", "string", "properties", Map.of()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> queue(api, "taken").path("messages").asLong() == 3);
        ApiClient.Answer got = api.post("/api/queues/%2F/taken/get", Map.of("count", 2, "ackmode", "ack_requeue_false",
                "encoding", "auto"));
        assertThat(got.json()).extracting(m -> m.path("payload").asText()).containsExactly("m0", "m1");
        await().atMost(Duration.ofSeconds(20)).until(() -> queue(api, "taken").path("messages").asLong() == 1);
    }

    @Test
    void exchangesAndBindingsAreDeclaredListedAndRemoved() {
        ApiClient api = admin();
        assertThat(api.put("/api/exchanges/%2F/events", Map.of("type", "topic", "durable", true)).status()).isEqualTo(201);
        api.put("/api/queues/%2F/audit", Map.of());
        assertThat(api.post("/api/bindings/%2F/e/events/q/audit", Map.of("routing_key", "order.*")).status())
                .isEqualTo(201);

        JsonNode exchange = api.get("/api/exchanges/%2F/events").json();
        assertThat(exchange.path("type").asText()).isEqualTo("topic");
        assertThat(api.get("/api/exchanges").json()).extracting(e -> e.path("name").asText())
                .contains("events", "amq.topic", "");

        JsonNode bindings = api.get("/api/bindings/%2F/e/events/q/audit").json();
        assertThat(bindings).hasSize(1);
        assertThat(bindings.get(0).path("routing_key").asText()).isEqualTo("order.*");
        assertThat(bindings.get(0).path("destination_type").asText()).isEqualTo("queue");

        ApiClient.Answer routed = api.post("/api/exchanges/%2F/events/publish", Map.of("routing_key", "order.created",
                "payload", "{}", "payload_encoding", "string", "properties", Map.of()));
        assertThat(routed.json().path("routed").asBoolean()).isTrue();
        ApiClient.Answer unrouted = api.post("/api/exchanges/%2F/events/publish", Map.of("routing_key", "invoice.sent",
                "payload", "{}", "payload_encoding", "string", "properties", Map.of()));
        assertThat(unrouted.json().path("routed").asBoolean()).isFalse();

        assertThat(api.delete("/api/bindings/%2F/e/events/q/audit/order.*").status()).isEqualTo(204);
        assertThat(api.get("/api/bindings/%2F/e/events/q/audit").json()).isEmpty();
        assertThat(api.delete("/api/exchanges/%2F/events").status()).isEqualTo(204);
        assertThat(api.get("/api/exchanges/%2F/events").status()).isEqualTo(404);
    }

    @Test
    void badRequestsGetRabbitMqsErrorBodyAndTheBrokerCarriesOn() {
        ApiClient api = admin();
        ApiClient.Answer notJson = api.put("/api/queues/%2F/q1", "{not json");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().path("error").asText()).isEqualTo("bad_request");
        assertThat(notJson.json().path("reason").asText()).contains("not valid JSON");

        ApiClient.Answer badMode = api.post("/api/queues/%2F/q1/get", Map.of("count", 1, "ackmode", "sometimes"));
        assertThat(badMode.status()).isEqualTo(400);
        assertThat(badMode.json().path("reason").asText()).contains("ackmode");

        assertThat(api.get("/api/queues/nowhere").status()).isEqualTo(404);
        assertThat(api.get("/api/no-such-thing").status()).isEqualTo(404);
        assertThat(api.send("PATCH", "/api/queues", null).status()).isEqualTo(405);
        assertThat(api.get("/api/overview").status()).isEqualTo(200);
    }
}
