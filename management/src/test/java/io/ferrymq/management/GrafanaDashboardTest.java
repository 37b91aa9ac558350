package io.ferrymq.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * conf/grafana/ferrymq-dashboard.json only queries what a running broker's /metrics exposes: every metric name in
 * its panels' and variables' PromQL is among the names scraped from a durable broker with a queue, a connection
 * and journal commits.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("..", "conf", "grafana", "ferrymq-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b(?:ferrymq|jvm|process)_[a-z0-9_]+\\b");

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.builder().durable().build();

    @Test
    void everyMetricTheDashboardQueriesIsExposed() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> queries = new ArrayList<>();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
        dashboard.path("templating").path("list").forEach(v -> {
            if (v.path("query").has("query")) {
                queries.add(v.path("query").path("query").asText());
            }
        });
        assertThat(queries).hasSizeGreaterThan(10).allSatisfy(q -> assertThat(METRIC.matcher(q).find())
                .as("a FerryMQ, JVM or process metric in: %s", q).isTrue());
        Set<String> used = new TreeSet<>();
        for (String q : queries) {
            Matcher m = METRIC.matcher(q);
            while (m.find()) {
                used.add(m.group());
            }
        }
        // What the issue asks the dashboard to show.
        assertThat(used).contains("ferrymq_queue_messages_ready", "ferrymq_queue_messages_enqueued_total",
                "ferrymq_queue_messages_acknowledged_total", "ferrymq_connections",
                "ferrymq_journal_fsync_seconds_bucket", "ferrymq_journal_commit_batches_bucket",
                "ferrymq_memory_used_bytes", "ferrymq_queue_messages_paged", "jvm_memory_used_bytes");

        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port("amqp"));
        f.setUsername("app");
        f.setPassword(ManagementBroker.PASSWORD);
        f.setAutomaticRecoveryEnabled(false);
        try (Connection c = f.newConnection()) {
            Channel ch = c.createChannel();
            ch.confirmSelect();
            ch.queueDeclare("dashboard", true, false, false, null);
            ch.basicPublish("", "dashboard", MessageProperties.PERSISTENT_TEXT_PLAIN,
                    "m".getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(20_000);

            ApiClient.Answer a = new ApiClient(broker.port("management"), null, null).get("/metrics");
            assertThat(a.status()).isEqualTo(200);
            PrometheusText scraped = new PrometheusText(a.text());
            List<String> missing = used.stream().filter(name -> scraped.samples(name).isEmpty()).toList();
            assertThat(missing).as("metrics the dashboard queries that /metrics does not expose").isEmpty();
        }
    }
}
