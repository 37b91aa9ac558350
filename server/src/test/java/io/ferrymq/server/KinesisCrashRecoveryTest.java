package io.ferrymq.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker, a separate process, is killed with SIGKILL while Kinesis producers put records. After a restart
 * on the same data directory every record whose PutRecord was answered is there, once, under the sequence
 * number it was given, in its shard's order; and new records continue each shard's sequence.
 */
class KinesisCrashRecoveryTest {

    private static KinesisClient client(int port) {
        return KinesisClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDKILL", "x")))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    @Test
    void answeredPutRecordsSurviveKillMinusNine(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        try (BrokerProcess broker = BrokerProcess.startAllListeners(dir, data, "512m");
             KinesisClient kinesis = client(broker.port("aws"))) {
            kinesis.createStream(b -> b.streamName("crash").shardCount(2));
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int producer = t;
                Thread th = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String payload = "p" + producer + "-" + i;
                        try {
                            PutRecordResponse r = kinesis.putRecord(b -> b.streamName("crash").partitionKey(payload)
                                    .data(SdkBytes.fromUtf8String(payload)));
                            acknowledged.put(payload, r.shardId() + "/" + r.sequenceNumber());
                        } catch (RuntimeException e) {
                            return;
                        }
                    }
                }, "kinesis-producer-" + t);
                th.setDaemon(true);
                th.start();
                producers.add(th);
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> acknowledged.size() >= 300);
            broker.kill();
            stop.set(true);
            for (Thread th : producers) {
                th.join(30_000);
            }
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(300);

        try (BrokerProcess broker = BrokerProcess.startAllListeners(dir, data, "512m");
             KinesisClient kinesis = client(broker.port("aws"))) {
            Map<String, String> found = new HashMap<>();
            for (String shard : List.of("shardId-000000000000", "shardId-000000000001")) {
                String it = kinesis.getShardIterator(b -> b.streamName("crash").shardId(shard)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                List<Record> records = new ArrayList<>();
                while (true) {
                    String current = it;
                    GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(current));
                    records.addAll(r.records());
                    it = r.nextShardIterator();
                    if (r.records().isEmpty()) {
                        break;
                    }
                }
                for (int i = 1; i < records.size(); i++) {
                    assertThat(new java.math.BigInteger(records.get(i).sequenceNumber()))
                            .isGreaterThan(new java.math.BigInteger(records.get(i - 1).sequenceNumber()));
                }
                for (Record r : records) {
                    String previous = found.put(r.data().asUtf8String(), shard + "/" + r.sequenceNumber());
                    assertThat(previous).as("record %s twice", r.data().asUtf8String()).isNull();
                }
                String last = records.isEmpty() ? null : records.get(records.size() - 1).sequenceNumber();
                String next = kinesis.putRecord(b -> b.streamName("crash").partitionKey("after")
                        .explicitHashKey(shard.endsWith("0") ? "0" : "340282366920938463463374607431768211455")
                        .data(SdkBytes.fromUtf8String("after"))).sequenceNumber();
                if (last != null) {
                    assertThat(new java.math.BigInteger(next)).isGreaterThan(new java.math.BigInteger(last));
                }
            }
            assertThat(found).containsAllEntriesOf(acknowledged);
        }
    }
}
