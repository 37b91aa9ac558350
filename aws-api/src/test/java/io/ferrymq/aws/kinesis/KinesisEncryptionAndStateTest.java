package io.ferrymq.aws.kinesis;

import io.ferrymq.aws.AwsTestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.EncryptionType;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.Tag;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start/StopStreamEncryption, and ListShards' StreamCreationTimestamp, with the AWS SDK v2. */
class KinesisEncryptionAndStateTest {

    private static final String KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012";

    private static AwsTestBroker broker;
    private static KinesisClient kinesis;

    @BeforeAll
    static void start() {
        broker = AwsTestBroker.start(KinesisTestSettings.UNTHROTTLED);
        kinesis = broker.kinesis();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static String stream() {
        String name = AwsTestBroker.unique("sse");
        kinesis.createStream(b -> b.streamName(name).shardCount(1));
        return name;
    }

    @Test
    void encryptionIsStartedReportedAndStopped() {
        String name = stream();
        kinesis.addTagsToStream(b -> b.streamName(name).tags(Map.of("team", "iot")));
        assertThat(kinesis.describeStream(b -> b.streamName(name)).streamDescription().encryptionType())
                .isEqualTo(EncryptionType.NONE);

        kinesis.startStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.KMS)
                .keyId("alias/aws/kinesis"));
        var d = kinesis.describeStream(b -> b.streamName(name)).streamDescription();
        assertThat(d.encryptionType()).isEqualTo(EncryptionType.KMS);
        assertThat(d.keyId()).isEqualTo("alias/aws/kinesis");
        StreamDescriptionSummary summary = kinesis.describeStreamSummary(b -> b.streamName(name))
                .streamDescriptionSummary();
        assertThat(summary.encryptionType()).isEqualTo(EncryptionType.KMS);
        assertThat(kinesis.putRecord(b -> b.streamName(name).partitionKey("k").data(SdkBytes.fromUtf8String("x")))
                .encryptionType()).isEqualTo(EncryptionType.KMS);
        String it = kinesis.getShardIterator(b -> b.streamName(name).shardId("shardId-000000000000")
                .shardIteratorType("TRIM_HORIZON")).shardIterator();
        assertThat(kinesis.getRecords(b -> b.shardIterator(it)).records().get(0).encryptionType())
                .isEqualTo(EncryptionType.KMS);
        // The setting is no tag of the user's.
        assertThat(kinesis.listTagsForStream(b -> b.streamName(name)).tags()).extracting(Tag::key)
                .containsExactly("team");

        // Another key replaces the first; stopping names the key in use.
        kinesis.startStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.KMS).keyId(KEY_ARN));
        assertThatThrownBy(() -> kinesis.stopStreamEncryption(b -> b.streamName(name)
                .encryptionType(EncryptionType.KMS).keyId("alias/aws/kinesis")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining(KEY_ARN);
        kinesis.stopStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.KMS).keyId(KEY_ARN));
        assertThat(kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().encryptionType())
                .isEqualTo(EncryptionType.NONE);
    }

    @Test
    void badEncryptionRequestsGetAwsErrors() {
        String name = stream();
        assertThatThrownBy(() -> kinesis.startStreamEncryption(b -> b.streamName(name)
                .encryptionType(EncryptionType.KMS).keyId("not a key")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not a KMS key id");
        assertThatThrownBy(() -> kinesis.startStreamEncryption(b -> b.streamName(name)
                .encryptionType(EncryptionType.NONE).keyId("alias/aws/kinesis")))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> kinesis.startStreamEncryption(b -> b.streamName(name)
                .encryptionType(EncryptionType.KMS))).hasMessageContaining("keyId");
        assertThatThrownBy(() -> kinesis.startStreamEncryption(b -> b.streamName(name + "-missing")
                .encryptionType(EncryptionType.KMS).keyId("alias/aws/kinesis")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> kinesis.addTagsToStream(b -> b.streamName(name)
                .tags(Map.of("aws:kinesis:encryption-key-id", "alias/x"))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("reserved prefix");
    }

    @Test
    void encryptionSurvivesARestart(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        try (AwsTestBroker first = AwsTestBroker.durable(KinesisTestSettings.UNTHROTTLED, dir)) {
            KinesisClient k = first.kinesis();
            k.createStream(b -> b.streamName("sealed").shardCount(1));
            k.startStreamEncryption(b -> b.streamName("sealed").encryptionType(EncryptionType.KMS).keyId(KEY_ARN));
        }
        assertThat(Files.exists(dir)).isTrue();
        try (AwsTestBroker second = AwsTestBroker.durable(KinesisTestSettings.UNTHROTTLED, dir)) {
            var d = second.kinesis().describeStreamSummary(b -> b.streamName("sealed")).streamDescriptionSummary();
            assertThat(d.encryptionType()).isEqualTo(EncryptionType.KMS);
            assertThat(d.keyId()).isEqualTo(KEY_ARN);
        }
    }

    @Test
    void listShardsTellsStreamsApartByCreationTimestamp() {
        String name = stream();
        Instant created = kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary()
                .streamCreationTimestamp();
        assertThat(kinesis.listShards(b -> b.streamName(name).streamCreationTimestamp(created)).shards())
                .extracting(Shard::shardId).containsExactly("shardId-000000000000");
        assertThatThrownBy(() -> kinesis.listShards(b -> b.streamName(name)
                .streamCreationTimestamp(created.minusSeconds(3600)))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> kinesis.listShards(b -> b.nextToken("abc").streamCreationTimestamp(created)))
                .isInstanceOf(InvalidArgumentException.class);
    }
}
