package io.ferrymq.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/policies[/{vhost}]}: the configured policies in RabbitMQ's shape, for every management role. */
class PolicyApiTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.builder()
            .policy(AddressPolicy.matching("orders.#").withMaxDeliveries(3).withMessageTtlMillis(60_000L)
                    .withDeadLetter(DeadLetterTarget.queue("orders.dlq")))
            .build();

    private ApiClient as(String user) {
        return new ApiClient(broker.port("management"), user, ManagementBroker.PASSWORD);
    }

    private static JsonNode byPattern(JsonNode list, String pattern) {
        for (JsonNode p : list) {
            if (p.path("pattern").asText().equals(pattern)) {
                return p;
            }
        }
        throw new AssertionError("no policy '" + pattern + "' in " + list);
    }

    @Test
    void aMonitoringUserSeesEachPolicyWithWhatItSets() {
        ApiClient.Answer a = as("monitor").get("/api/policies");
        assertThat(a.status()).isEqualTo(200);
        JsonNode orders = byPattern(a.json(), "orders.#");
        assertThat(orders.path("vhost").asText()).isEqualTo("/");
        assertThat(orders.path("name").asText()).isEqualTo("orders.#");
        assertThat(orders.path("apply-to").asText()).isEqualTo("queues");
        assertThat(orders.path("priority").asInt()).isZero();
        JsonNode d = orders.path("definition");
        assertThat(d.path("dead-letter-queue").asText()).isEqualTo("orders.dlq");
        assertThat(d.path("max-deliveries").asInt()).isEqualTo(3);
        assertThat(d.path("message-ttl").asLong()).isEqualTo(60_000L);
        assertThat(d.has("max-length")).as("unset fields are left out").isFalse();
        assertThat(byPattern(a.json(), "#").path("definition").path("dead-letter-queue").asText()).isEqualTo("DLQ");
    }

    @Test
    void perVhostListingAndUnknownVhost() {
        ApiClient.Answer one = as("manager").get("/api/policies/%2F");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json()).allSatisfy(p -> assertThat(p.path("vhost").asText()).isEqualTo("/"));
        assertThat(one.json().size()).isEqualTo(2);
        ApiClient.Answer missing = as("admin").get("/api/policies/nowhere");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("reason").asText()).contains("nowhere");
    }

    @Test
    void aUserWithoutAManagementRoleMayNotListPolicies() {
        assertThat(as("app").get("/api/policies").status()).isEqualTo(401);
    }
}
