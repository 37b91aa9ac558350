package io.ferrymq.server;

import io.ferrymq.ha.HaNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.EncryptionType;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.ferrymq.server.InProcessPair.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kinesis streams in an HA pair (two members in one JVM, a test ZooKeeper): every record whose PutRecord(s) was
 * answered by the active is read back from the promoted standby under the same sequence number, in the same
 * order per shard, and the stream's definition (shards after a split, retention, tags, encryption, enhanced
 * fan-out consumers) is the same;
 * a standby that joins late gets the streams by resync.
 */
class HaStreamsFailoverTest {

    @TempDir
    Path dir;

    private static KinesisClient client(int port) {
        return KinesisClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDHA", "x")))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    /** Shard id to (sequence number, data) in the order the active answered them. */
    private static final class Acknowledged {
        final Map<String, List<String>> byShard = new TreeMap<>();

        void add(String shard, String sequence, String data) {
            byShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(sequence + "=" + data);
        }
    }

    private static void put(KinesisClient kinesis, String stream, String prefix, int count, int size,
                            Acknowledged acked) {
        String pad = "x".repeat(size);
        for (int i = 0; i < count; i++) {
            String data = prefix + i + pad;
            PutRecordResponse r = kinesis.putRecord(b -> b.streamName(stream).partitionKey("device-" + data.hashCode() % 7)
                    .data(SdkBytes.fromUtf8String(data)));
            acked.add(r.shardId(), r.sequenceNumber(), data);
        }
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(PutRecordsRequestEntry.builder().partitionKey(prefix + "batch-" + i)
                    .data(SdkBytes.fromUtf8String(prefix + "batch-" + i)).build());
        }
        List<PutRecordsResultEntry> results = kinesis.putRecords(b -> b.streamName(stream).records(batch)).records();
        for (int i = 0; i < results.size(); i++) {
            assertThat(results.get(i).errorCode()).isNull();
            acked.add(results.get(i).shardId(), results.get(i).sequenceNumber(), prefix + "batch-" + i);
        }
    }

    private static Map<String, List<String>> readAll(KinesisClient kinesis, String stream) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            String it = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            List<String> records = new ArrayList<>();
            while (it != null) {
                String current = it;
                // Reads are limited to 5 per second and shard, as on AWS: a throttled read is simply repeated.
                GetRecordsResponse r = await().atMost(WAIT).ignoreExceptionsInstanceOf(
                        ProvisionedThroughputExceededException.class).until(
                        () -> kinesis.getRecords(b -> b.shardIterator(current)), x -> true);
                for (Record rec : r.records()) {
                    records.add(rec.sequenceNumber() + "=" + rec.data().asUtf8String());
                }
                it = r.nextShardIterator();
                if (r.records().isEmpty()) {
                    break;
                }
            }
            if (!records.isEmpty()) {
                out.put(shard.shardId(), records);
            }
        }
        return out;
    }

    private static void awaitActive(KinesisClient kinesis, String stream) {
        await().atMost(WAIT).until(() -> kinesis.describeStreamSummary(b -> b.streamName(stream))
                .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    @Test
    void everyAnsweredRecordAndTheStreamDefinitionAreOnThePromotedStandby() throws Exception {
        try (InProcessPair pair = new InProcessPair(dir).startInSync()) {
            Acknowledged acked = new Acknowledged();
            Map<String, String> tags = new LinkedHashMap<>();
            StreamDescriptionSummary before;
            Consumer consumer;
            List<Shard> shardsBefore;
            try (KinesisClient onA = client(pair.a.port("aws"))) {
                onA.createStream(b -> b.streamName("telemetry").shardCount(2));
                awaitActive(onA, "telemetry");
                put(onA, "telemetry", "first-", 200, 100, acked);
                onA.splitShard(b -> b.streamName("telemetry").shardToSplit("shardId-000000000000")
                        .newStartingHashKey("85070591730234615865843651857942052864"));
                awaitActive(onA, "telemetry");
                onA.increaseStreamRetentionPeriod(b -> b.streamName("telemetry").retentionPeriodHours(48));
                awaitActive(onA, "telemetry");
                tags.put("team", "fleet");
                onA.addTagsToStream(b -> b.streamName("telemetry").tags(tags));
                onA.startStreamEncryption(b -> b.streamName("telemetry").encryptionType(EncryptionType.KMS)
                        .keyId("alias/aws/kinesis"));
                awaitActive(onA, "telemetry");
                put(onA, "telemetry", "second-", 200, 100, acked);
                onA.createStream(b -> b.streamName("short-lived").shardCount(1));
                awaitActive(onA, "short-lived");
                onA.deleteStream(b -> b.streamName("short-lived"));
                before = onA.describeStreamSummary(b -> b.streamName("telemetry")).streamDescriptionSummary();
                String streamArn = before.streamARN();
                consumer = onA.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("dashboard"))
                        .consumer();
                shardsBefore = onA.listShards(b -> b.streamName("telemetry")).shards();
            }

            pair.nodeA.close();
            await().atMost(WAIT).until(() -> pair.nodeB.role() == HaNode.Role.ACTIVE);

            try (KinesisClient onB = client(pair.b.port("aws"))) {
                await().atMost(WAIT).ignoreExceptions().until(() -> onB.listStreams().streamNames() != null);
                assertThat(onB.listStreams().streamNames()).containsExactly("telemetry");
                StreamDescriptionSummary after = onB.describeStreamSummary(b -> b.streamName("telemetry"))
                        .streamDescriptionSummary();
                assertThat(after.retentionPeriodHours()).isEqualTo(48);
                assertThat(after.encryptionType()).isEqualTo(EncryptionType.KMS);
                assertThat(after.keyId()).isEqualTo("alias/aws/kinesis");
                assertThat(after.streamCreationTimestamp()).isEqualTo(before.streamCreationTimestamp());
                assertThat(onB.listShards(b -> b.streamName("telemetry")).shards()).isEqualTo(shardsBefore);
                assertThat(onB.listTagsForStream(b -> b.streamName("telemetry")).tags())
                        .extracting(t -> t.key() + "=" + t.value()).containsExactly("team=fleet");

                assertThat(onB.listStreamConsumers(b -> b.streamARN(after.streamARN())).consumers())
                        .extracting(Consumer::consumerName, Consumer::consumerARN)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("dashboard", consumer.consumerARN()));

                assertThat(readAll(onB, "telemetry")).isEqualTo(acked.byShard);
                // The promoted node continues each shard's sequence.
                String last = acked.byShard.get("shardId-000000000001").get(
                        acked.byShard.get("shardId-000000000001").size() - 1).split("=")[0];
                String next = onB.putRecord(b -> b.streamName("telemetry").partitionKey("after")
                        .explicitHashKey("340282366920938463463374607431768211455")
                        .data(SdkBytes.fromUtf8String("after"))).sequenceNumber();
                assertThat(next).isNotEqualTo(last);
            }
        }
    }

    @Test
    void aStandbyThatJoinsLateGetsTheStreamsByResync() throws Exception {
        try (InProcessPair pair = new InProcessPair(dir)) {
            pair.nodeA.start();
            await().atMost(WAIT).until(() -> pair.nodeA.role() == HaNode.Role.ACTIVE);
            Acknowledged acked = new Acknowledged();
            try (KinesisClient onA = client(pair.a.port("aws"))) {
                onA.createStream(b -> b.streamName("backlog").shardCount(3));
                awaitActive(onA, "backlog");
                // About 6 MB while alone: the resync sends the segment files in several pieces.
                put(onA, "backlog", "alone-", 600, 10_000, acked);
                pair.nodeB.start();
                await().atMost(WAIT).until(() -> String.valueOf(pair.nodeA.status().standby()).contains("node-b in sync"));
                put(onA, "backlog", "paired-", 100, 100, acked);
            }

            pair.nodeA.close();
            await().atMost(WAIT).until(() -> pair.nodeB.role() == HaNode.Role.ACTIVE);
            try (KinesisClient onB = client(pair.b.port("aws"))) {
                assertThat(readAll(onB, "backlog")).isEqualTo(acked.byShard);
            }
        }
    }
}
