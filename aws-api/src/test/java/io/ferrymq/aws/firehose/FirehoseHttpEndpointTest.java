package io.ferrymq.aws.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.HttpEndpointDestinationConfiguration;
import software.amazon.awssdk.services.firehose.model.HttpEndpointDestinationDescription;
import software.amazon.awssdk.services.firehose.model.Record;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ferrymq.aws.firehose.FirehoseTestBroker.bytes;
import static io.ferrymq.aws.firehose.FirehoseTestBroker.content;
import static io.ferrymq.aws.firehose.FirehoseTestBroker.objects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** HTTP endpoint destinations against a small HTTP server in the test: the request shape, retries, the error prefix. */
class FirehoseHttpEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path buckets;

    private FirehoseTestBroker broker;
    private FirehoseClient firehose;
    private HttpServer endpoint;
    private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);

    @BeforeEach
    void start() throws IOException {
        broker = FirehoseTestBroker.start(buckets);
        firehose = broker.firehose();
        endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.createContext("/ingest", ex -> {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            bodies.add(body);
            headers.add(Map.of("key", String.valueOf(ex.getRequestHeaders().getFirst("X-Amz-Firehose-Access-Key")),
                    "id", String.valueOf(ex.getRequestHeaders().getFirst("X-Amz-Firehose-Request-Id")),
                    "source", String.valueOf(ex.getRequestHeaders().getFirst("X-Amz-Firehose-Source-Arn")),
                    "type", String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")),
                    "attributes", String.valueOf(ex.getRequestHeaders().getFirst("X-Amz-Firehose-Common-Attributes"))));
            int s = status.get();
            byte[] answer = s == 200
                    ? ("{\"requestId\":\"" + body.path("requestId").asText() + "\",\"timestamp\":1}").getBytes(StandardCharsets.UTF_8)
                    : "{\"errorMessage\":\"down for maintenance\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(s, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        endpoint.start();
    }

    @AfterEach
    void stop() {
        broker.close();
        endpoint.stop(0);
    }

    private void create(String name, int retrySeconds) {
        String url = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/ingest";
        firehose.createDeliveryStream(b -> b.deliveryStreamName(name).httpEndpointDestinationConfiguration(
                HttpEndpointDestinationConfiguration.builder()
                        .endpointConfiguration(e -> e.url(url).name("ingest").accessKey("secret-key-1"))
                        .bufferingHints(h -> h.sizeInMBs(1).intervalInSeconds(60))
                        .retryOptions(r -> r.durationInSeconds(retrySeconds))
                        .requestConfiguration(r -> r.commonAttributes(a -> a.attributeName("env").attributeValue("test")))
                        .s3Configuration(s -> s.bucketARN("arn:aws:s3:::backup").roleARN("arn:aws:iam::0:role/r")
                                .errorOutputPrefix("failed/"))
                        .build()));
        FirehoseTestBroker.awaitActive(firehose, name);
    }

    private static List<String> records(JsonNode body) {
        List<String> out = new ArrayList<>();
        body.path("records").forEach(r -> out.add(new String(Base64.getDecoder().decode(r.path("data").asText()),
                StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void aBatchIsPostedInFirehoseShapeWithItsHeaders() {
        create("to-http", 60);
        HttpEndpointDestinationDescription d = firehose.describeDeliveryStream(b -> b.deliveryStreamName("to-http"))
                .deliveryStreamDescription().destinations().get(0).httpEndpointDestinationDescription();
        assertThat(d.endpointConfiguration().name()).isEqualTo("ingest");
        assertThat(d.retryOptions().durationInSeconds()).isEqualTo(60);

        firehose.putRecordBatch(b -> b.deliveryStreamName("to-http").records(
                Record.builder().data(bytes("{\"a\":1}")).build(), Record.builder().data(bytes("{\"b\":2}")).build()));
        broker.advance(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> bodies.size() == 1);

        JsonNode body = bodies.get(0);
        assertThat(records(body)).containsExactly("{\"a\":1}", "{\"b\":2}");
        assertThat(body.path("timestamp").asLong()).isEqualTo(broker.now());
        assertThat(headers.get(0)).containsEntry("key", "secret-key-1").containsEntry("id", body.path("requestId").asText())
                .containsEntry("source", "arn:aws:firehose:us-east-1:000000000000:deliverystream/to-http")
                .containsEntry("type", "application/json")
                .containsEntry("attributes", "{\"commonAttributes\":{\"env\":\"test\"}}");
        // Nothing went to the backup bucket: the endpoint took the batch.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> objects(buckets.resolve("backup")).isEmpty());
    }

    @Test
    void aFailingEndpointIsRetriedThenTheBatchGoesToTheErrorPrefix() throws IOException {
        status.set(500);
        create("to-broken-http", 30);
        firehose.putRecord(b -> b.deliveryStreamName("to-broken-http").record(r -> r.data(bytes("lost?"))));
        broker.advance(Duration.ofSeconds(60));
        // Retried while the retry duration has not passed on the broker's clock.
        await().atMost(Duration.ofSeconds(30)).until(() -> bodies.size() >= 3);
        assertThat(objects(buckets.resolve("backup"))).isEmpty();
        assertThat(bodies).allSatisfy(b -> assertThat(records(b)).containsExactly("lost?"));

        broker.advance(Duration.ofSeconds(30));
        Path bucket = buckets.resolve("backup");
        await().atMost(Duration.ofSeconds(30)).until(() -> objects(bucket).size() == 1);
        String key = objects(bucket).get(0);
        assertThat(key).startsWith("failed/2026/03/04/05/to-broken-http-1-2026-03-04-05-06-07-");
        String[] lines = new String(content(bucket.resolve(key)), StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(1);
        JsonNode failed = JSON.readTree(lines[0]);
        assertThat(new String(Base64.getDecoder().decode(failed.path("rawData").asText()), StandardCharsets.UTF_8))
                .isEqualTo("lost?");
        assertThat(failed.path("attemptsMade").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(failed.path("errorMessage").asText()).contains("HTTP 500");

        // The batch is done with: the endpoint recovers and gets only new records.
        status.set(200);
        int before = bodies.size();
        firehose.putRecord(b -> b.deliveryStreamName("to-broken-http").record(r -> r.data(bytes("next"))));
        broker.advance(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> bodies.size() > before
                && records(bodies.get(bodies.size() - 1)).equals(List.of("next")));
    }
}
