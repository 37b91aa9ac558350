package io.ferrymq.server;

import io.ferrymq.server.config.ConfigException;
import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.server.config.FerryConfig;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The IoT path: a {@code stream-bridges} entry of broker.yaml binds the MQTT topic filter {@code trucks/+/telemetry}
 * into the stream {@code telemetry} with the topic as partition key; 100 devices (Paho, QoS 1) publish, and a
 * Kinesis client reads every device's messages back in the order the device sent them.
 */
class MqttTelemetryIntoStreamTest {

    private static final int DEVICES = 100;
    private static final int MESSAGES = 10;

    private static FerryConfig config(Path dir, String bridge) throws Exception {
        Path f = dir.resolve("broker.yaml");
        Files.writeString(f, """
                security:
                  password-iterations: 1000
                listeners:
                  - name: mqtt
                    protocols: [mqtt]
                    port: 0
                  - name: aws
                    protocols: [aws]
                    port: 0
                storage:
                  data-dir: %s
                stream-bridges:
                %s
                """.formatted(dir.resolve("data"), bridge.indent(2).stripTrailing()));
        return new ConfigLoader().load(f);
    }

    private static KinesisClient kinesis(int port) {
        return KinesisClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDIOT", "x")))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .build();
    }

    @Test
    void hundredDevicesPublishIntoAStreamAndEachDevicesRecordsComeBackInOrder(@TempDir Path dir) throws Exception {
        FerryConfig c = config(dir, """
                - name: telemetry
                  mqtt-topic-filter: trucks/+/telemetry
                  stream: telemetry
                  shards: 4
                  partition-key: topic
                """);
        try (FerryServer server = FerryServer.start(c); KinesisClient kinesis = kinesis(server.listeners().get("aws").getPort())) {
            String uri = "tcp://127.0.0.1:" + server.listeners().get("mqtt").getPort();
            List<MqttAsyncClient> devices = new ArrayList<>();
            try {
                MqttConnectOptions options = new MqttConnectOptions();
                options.setUserName("guest");
                options.setPassword("guest".toCharArray());
                options.setConnectionTimeout(30);
                options.setMaxInflight(MESSAGES);
                List<IMqttToken> connected = new ArrayList<>();
                for (int d = 0; d < DEVICES; d++) {
                    MqttAsyncClient client = new MqttAsyncClient(uri, "truck-" + d, new MemoryPersistence());
                    devices.add(client);
                    connected.add(client.connect(options));
                }
                for (IMqttToken t : connected) {
                    t.waitForCompletion(60_000);
                }
                // A message on another topic does not go into the stream.
                devices.get(0).publish("trucks/0/status", "parked".getBytes(StandardCharsets.UTF_8), 1, false)
                        .waitForCompletion(30_000);
                List<IMqttDeliveryToken> acks = new ArrayList<>();
                for (int m = 0; m < MESSAGES; m++) {
                    for (int d = 0; d < DEVICES; d++) {
                        acks.add(devices.get(d).publish("trucks/" + d + "/telemetry",
                                ("truck-" + d + " reading " + m).getBytes(StandardCharsets.UTF_8), 1, false));
                    }
                }
                for (IMqttDeliveryToken t : acks) {
                    t.waitForCompletion(60_000);
                }
            } finally {
                for (MqttAsyncClient client : devices) {
                    if (client.isConnected()) {
                        client.disconnect().waitForCompletion(10_000);
                    }
                    client.close();
                }
            }

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> readAll(kinesis).values().stream().mapToInt(List::size).sum() == DEVICES * MESSAGES);
            Map<String, List<String>> byDevice = readAll(kinesis);
            assertThat(byDevice).hasSize(DEVICES).doesNotContainKey("trucks/0/status");
            for (int d = 0; d < DEVICES; d++) {
                int device = d;
                assertThat(byDevice.get("trucks/" + d + "/telemetry")).as("truck %d", d).containsExactlyElementsOf(
                        IntStream.range(0, MESSAGES).mapToObj(m -> "truck-" + device + " reading " + m).toList());
            }
            assertThat(kinesis.listShards(b -> b.streamName("telemetry")).shards()).hasSize(4);
        }
    }

    /** Every record of the stream, by partition key, in shard order. */
    private static Map<String, List<String>> readAll(KinesisClient kinesis) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName("telemetry")).shards()) {
            String it = kinesis.getShardIterator(b -> b.streamName("telemetry").shardId(shard.shardId())
                    .shardIteratorType("TRIM_HORIZON")).shardIterator();
            while (it != null) {
                String current = it;
                GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(current));
                for (Record rec : r.records()) {
                    out.computeIfAbsent(rec.partitionKey(), k -> new ArrayList<>()).add(rec.data().asUtf8String());
                }
                it = r.records().isEmpty() ? null : r.nextShardIterator();
            }
        }
        return out;
    }

    @Test
    void aBadBridgeIsAConfigurationErrorNamingTheSetting(@TempDir Path dir) throws Exception {
        FerryConfig both = config(dir, """
                - name: t
                  mqtt-topic-filter: a/+
                  pattern: a.*
                  stream: s
                """);
        assertThatThrownBy(() -> FerryServer.start(both)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stream-bridges.t").hasMessageContaining("either pattern");
        FerryConfig key = config(dir, """
                - name: t
                  mqtt-topic-filter: a/+
                  stream: s
                  partition-key: device
                """);
        assertThatThrownBy(() -> FerryServer.start(key)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stream-bridges.t.partition-key");
        assertThatThrownBy(() -> config(dir, """
                - name: t
                  stream: s
                  topic: a/b
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("topic");
    }
}
