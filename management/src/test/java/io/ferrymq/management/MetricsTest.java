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

/** /metrics scraped and parsed as Prometheus text while messages flow. */
class MetricsTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.builder().durable().build();

    private PrometheusText scrape() {
        ApiClient.Answer a = new ApiClient(broker.port("management"), null, null).get("/metrics");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        return new PrometheusText(a.text());
    }

    private static final Map<String, String> METERED = Map.of("vhost", "/", "queue", "metered");

    @Test
    void queueDepthCountersConnectionsAndFsyncLatencyChangeAsMessagesFlow() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port("amqp"));
        f.setUsername("app");
        f.setPassword(ManagementBroker.PASSWORD);
        f.setAutomaticRecoveryEnabled(false);
        try (Connection c = f.newConnection()) {
            Channel ch = c.createChannel();
            ch.confirmSelect();
            ch.queueDeclare("metered", true, false, false, null);
            for (int i = 0; i < 3; i++) {
                ch.basicPublish("", "metered", com.rabbitmq.client.MessageProperties.PERSISTENT_TEXT_PLAIN,
                        ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(20_000);

            PrometheusText before = scrape();
            assertThat(before.value("ferrymq_queue_messages_ready", METERED)).contains(3.0);
            assertThat(before.value("ferrymq_queue_messages_enqueued_total", METERED)).contains(3.0);
            assertThat(before.type("ferrymq_queue_messages_enqueued_total")).isEqualTo("counter");
            assertThat(before.value("ferrymq_connections", Map.of("protocol", "amqp091"))).contains(1.0);
            assertThat(before.type("ferrymq_journal_fsync_seconds")).isEqualTo("histogram");
            assertThat(before.value("ferrymq_journal_fsync_seconds_count", Map.of())).hasValueSatisfying(n -> assertThat(n).isPositive());
            assertThat(before.samples("ferrymq_journal_fsync_seconds_bucket")).isNotEmpty();
            assertThat(before.value("ferrymq_journal_commit_batches_count", Map.of())).hasValueSatisfying(n -> assertThat(n).isPositive());
            assertThat(before.value("ferrymq_memory_limit_bytes", Map.of())).isPresent();
            assertThat(before.samples("jvm_memory_used_bytes")).isNotEmpty();

            GetResponse taken = ch.basicGet("metered", false);
            ch.basicAck(taken.getEnvelope().getDeliveryTag(), false);
            GetResponse held = ch.basicGet("metered", false);
            assertThat(held).isNotNull();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                PrometheusText after = scrape();
                assertThat(after.value("ferrymq_queue_messages_ready", METERED)).contains(1.0);
                assertThat(after.value("ferrymq_queue_messages_in_flight", METERED)).contains(1.0);
                assertThat(after.value("ferrymq_queue_messages_acknowledged_total", METERED)).contains(1.0);
                assertThat(after.value("ferrymq_queue_consumers", METERED)).contains(0.0);
            });
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(scrape().value("ferrymq_connections", Map.of("protocol", "amqp091"))).contains(0.0));
    }

    @Test
    void aDeletedQueuesSeriesDisappear() {
        ApiClient api = new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
        api.put("/api/queues/%2F/shortlived", Map.of());
        Map<String, String> labels = Map.of("queue", "shortlived");
        assertThat(scrape().value("ferrymq_queue_messages_ready", labels)).contains(0.0);
        api.delete("/api/queues/%2F/shortlived");
        assertThat(scrape().value("ferrymq_queue_messages_ready", labels)).isEmpty();
    }

    @Test
    void withMetricsAuthenticationAScrapeNeedsAMonitoringUser() {
        try (var b = io.ferrymq.transport.testing.EmbeddedBroker.builder()
                .protocol(x -> new ManagementProtocol(x, ManagementSettings.defaults().withMetricsAuthentication(true)))
                .tcp("management", ManagementProtocol.NAME).realm(ManagementBroker.realm()).start()) {
            ApiClient anonymous = new ApiClient(b.port("management"), null, null);
            assertThat(anonymous.get("/metrics").status()).isEqualTo(401);
            assertThat(anonymous.as("manager", ManagementBroker.PASSWORD).get("/metrics").status()).isEqualTo(403);
            assertThat(anonymous.as("monitor", ManagementBroker.PASSWORD).get("/metrics").status()).isEqualTo(200);
        }
    }
}
