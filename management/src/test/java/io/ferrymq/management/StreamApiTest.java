package io.ferrymq.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /api/streams}: a stream queue declared and fed by the RabbitMQ client shows as a queue of type stream and,
 * under {@code /api/streams}, as a stream whose shard retains what was published.
 */
class StreamApiTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.start();

    private ApiClient as(String user) {
        return new ApiClient(broker.port("management"), user, ManagementBroker.PASSWORD);
    }

    private Connection connect() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port("amqp"));
        f.setUsername("app");
        f.setPassword(ManagementBroker.PASSWORD);
        f.setAutomaticRecoveryEnabled(false);
        return f.newConnection("stream-writer");
    }

    @Test
    void aStreamQueueIsListedAsAStreamWithWhatItsShardRetains() throws Exception {
        try (Connection c = connect()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("events", true, false, false, Map.of("x-queue-type", "stream"));
            ch.confirmSelect();
            for (int i = 0; i < 3; i++) {
                ch.basicPublish("", "events", MessageProperties.PERSISTENT_TEXT_PLAIN,
                        ("event " + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(30_000);
        }

        assertThat(as("monitor").get("/api/queues/%2F/events").json().path("type").asText()).isEqualTo("stream");
        // The stream queue's feeder appends what the queue took: the stream catches up after the confirms.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode stream = as("monitor").get("/api/streams/%2F/events").json();
            assertThat(stream.path("messages").asLong()).isEqualTo(3);
        });
        ApiClient.Answer one = as("manager").get("/api/streams/%2F/events");
        assertThat(one.status()).isEqualTo(200);
        JsonNode s = one.json();
        assertThat(s.path("vhost").asText()).isEqualTo("/");
        assertThat(s.path("type").asText()).isEqualTo("stream");
        assertThat(s.path("status").asText()).isEqualTo("ACTIVE");
        assertThat(s.path("shards")).hasSize(1);
        JsonNode shard = s.path("shards").get(0);
        assertThat(shard.path("open").asBoolean()).isTrue();
        assertThat(shard.path("end_offset").asLong() - shard.path("first_offset").asLong()).isEqualTo(3);

        ApiClient.Answer all = as("admin").get("/api/streams");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json()).anySatisfy(x -> assertThat(x.path("name").asText()).isEqualTo("events"));
        assertThat(as("admin").get("/api/streams/%2F").json()).hasSize(all.json().size());
    }

    @Test
    void anUnknownStreamIsNotFoundAndAClientOnlyUserMayNotLookAtStreams() {
        ApiClient.Answer missing = as("admin").get("/api/streams/%2F/nothing");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("reason").asText()).contains("nothing");
        assertThat(as("admin").get("/api/streams/nowhere").status()).isEqualTo(404);
        assertThat(as("app").get("/api/streams").status()).isEqualTo(401);
    }
}
