package io.ferrymq.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Definitions exported as RabbitMQ's definitions.json and imported back. */
class DefinitionsApiTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.start();

    @Test
    void whatIsExportedCanBeImportedBackAfterItWasRemoved() {
        ApiClient api = new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
        api.put("/api/exchanges/%2F/billing", Map.of("type", "direct", "durable", true));
        api.put("/api/queues/%2F/invoices", Map.of("durable", true, "arguments", Map.of("x-max-length", 1000)));
        api.post("/api/bindings/%2F/e/billing/q/invoices", Map.of("routing_key", "invoice"));
        api.put("/api/users/erin", Map.of("password", "pw", "tags", "management"));
        api.put("/api/permissions/%2F/erin", Map.of("configure", "erin.#", "write", ".*", "read", ".*"));

        ApiClient.Answer exported = api.get("/api/definitions");
        assertThat(exported.status()).isEqualTo(200);
        JsonNode doc = exported.json();
        for (String section : new String[]{"users", "vhosts", "permissions", "queues", "exchanges", "bindings", "policies"}) {
            assertThat(doc.has(section)).as(section).isTrue();
        }
        assertThat(doc.path("queues")).extracting(q -> q.path("name").asText()).contains("invoices");
        assertThat(doc.path("exchanges")).extracting(e -> e.path("name").asText()).containsExactly("billing");
        assertThat(doc.path("bindings")).anySatisfy(b -> {
            assertThat(b.path("source").asText()).isEqualTo("billing");
            assertThat(b.path("destination").asText()).isEqualTo("invoices");
            assertThat(b.path("routing_key").asText()).isEqualTo("invoice");
        });
        assertThat(doc.path("users")).anySatisfy(u -> {
            assertThat(u.path("name").asText()).isEqualTo("erin");
            assertThat(u.path("password_hash").asText()).startsWith("pbkdf2-sha256:");
        });

        api.delete("/api/queues/%2F/invoices");
        api.delete("/api/exchanges/%2F/billing");
        api.delete("/api/users/erin");

        assertThat(api.post("/api/definitions", doc).status()).isEqualTo(204);
        assertThat(api.get("/api/queues/%2F/invoices").json().path("arguments").path("x-max-length").asInt()).isEqualTo(1000);
        assertThat(api.get("/api/exchanges/%2F/billing").status()).isEqualTo(200);
        assertThat(api.get("/api/bindings/%2F/e/billing/q/invoices").json()).hasSize(1);
        assertThat(api.as("erin", "pw").get("/api/whoami").status()).as("erin logs in with her old password").isEqualTo(200);
    }

    @Test
    void definitionsNamingAnUnknownVirtualHostAreRefusedBeforeAnythingChanges() {
        ApiClient api = new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
        ApiClient.Answer a = api.post("/api/definitions", Map.of("queues",
                java.util.List.of(Map.of("name", "a", "vhost", "/"), Map.of("name", "b", "vhost", "staging"))));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().path("reason").asText()).contains("staging");
        assertThat(api.get("/api/queues/%2F/a").status()).isEqualTo(404);
    }
}
