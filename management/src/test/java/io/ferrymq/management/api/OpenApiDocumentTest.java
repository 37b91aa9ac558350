package io.ferrymq.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.management.ApiClient;
import io.ferrymq.management.ManagementBroker;
import io.ferrymq.management.ManagementSettings;
import io.ferrymq.management.metrics.BrokerMetrics;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document the API serves describes every route it has, and nothing it does not have. */
class OpenApiDocumentTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.start();

    @Test
    void theServedDocumentListsEveryRouteWithItsMethod() {
        try (BrokerMetrics metrics = new BrokerMetrics(broker.broker().operator())) {
            check(new ApiRoutes(broker.broker(), metrics, ManagementSettings.defaults()));
        }
    }

    private void check(ApiRoutes routes) {
        ApiClient.Answer a = new ApiClient(broker.port("management"), null, null).get("/api/openapi.json");
        assertThat(a.status()).isEqualTo(200);
        JsonNode doc = a.json();
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        JsonNode paths = doc.path("paths");

        int documented = 0;
        for (String route : routes.routes()) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            assertThat(paths.path(path).has(method.toLowerCase(Locale.ROOT))).as(route).isTrue();
            documented++;
        }
        int operations = 0;
        for (JsonNode p : paths) {
            operations += p.size();
        }
        assertThat(operations).as("only the routes, /metrics and the document itself").isEqualTo(documented + 2);
    }
}
