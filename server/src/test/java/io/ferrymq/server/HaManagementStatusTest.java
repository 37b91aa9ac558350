package io.ferrymq.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSContext;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import static io.ferrymq.server.InProcessPair.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The HA pair as the active's management API and /metrics show it: role, mode, epoch, standby, replication lag. */
class HaManagementStatusTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private String get(int port, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)))
                .timeout(java.time.Duration.ofSeconds(30)).build();
        HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(path + ": " + res.body()).isEqualTo(200);
        return res.body();
    }

    private JsonNode ha(int port) throws Exception {
        return new ObjectMapper().readTree(get(port, "/api/overview")).path("ha");
    }

    private static double metric(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElseThrow(() -> new AssertionError(name + " is not in /metrics"));
    }

    @Test
    void theActiveShowsItsStandbyInSyncAndThenServingAloneWhenTheStandbyStops() throws Exception {
        try (InProcessPair pair = new InProcessPair(dir).startInSync()) {
            int port = pair.a.port("management");
            JmsConnectionFactory factory = new JmsConnectionFactory("guest", "guest",
                    "amqp://127.0.0.1:" + pair.a.port("amqp"));
            try (JMSContext jms = factory.createContext()) {
                for (int i = 0; i < 20; i++) {
                    jms.createProducer().send(jms.createQueue("ha.orders"), "order-" + i);
                }
            }
            await().atMost(WAIT).until(() -> ha(port).path("mode").asText().equals("synchronous"));
            JsonNode ha = ha(port);
            assertThat(ha.path("role").asText()).isEqualTo("active");
            assertThat(ha.path("node").asText()).isEqualTo("node-a");
            assertThat(ha.path("peer").asText()).isEqualTo("node-b");
            assertThat(ha.path("epoch").asLong()).isPositive();
            // Every confirmed persistent send waited for the standby's acknowledgement: nothing is left behind.
            assertThat(ha.path("replication_lag").path("entries").asLong()).isZero();
            assertThat(ha.path("replication_lag").path("bytes").asLong()).isZero();

            String metrics = get(port, "/metrics");
            assertThat(metric(metrics, "ferrymq_ha_epoch")).isEqualTo(ha.path("epoch").asDouble());
            assertThat(metric(metrics, "ferrymq_replication_lag_entries")).isZero();
            assertThat(metric(metrics, "ferrymq_replication_lag_bytes")).isZero();
            assertThat(metric(metrics, "ferrymq_replication_lag_oldest_seconds")).isZero();

            pair.nodeB.close();
            await().atMost(WAIT).until(() -> ha(port).path("role").asText().equals("alone"));
            assertThat(ha(port).path("mode").asText()).isEqualTo("alone");
            assertThat(ha(port).path("peer").isNull()).isTrue();
        }
    }
}
