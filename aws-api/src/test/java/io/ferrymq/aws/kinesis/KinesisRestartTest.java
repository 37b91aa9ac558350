package io.ferrymq.aws.kinesis;

import io.ferrymq.aws.AwsTestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.Tag;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Streams, their settings and their records survive a restart of a broker with durable storage. */
class KinesisRestartTest {

    @TempDir
    Path dir;

    private static List<String> all(KinesisClient kinesis, String stream, String shard) {
        String it = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        return kinesis.getRecords(b -> b.shardIterator(it)).records().stream().map(r -> r.data().asUtf8String()).toList();
    }

    @Test
    void recordsAndStreamDefinitionsSurviveARestart() {
        List<String> sequenceNumbers = new ArrayList<>();
        try (AwsTestBroker first = AwsTestBroker.durable(KinesisTestSettings.UNTHROTTLED, dir)) {
            KinesisClient kinesis = first.kinesis();
            kinesis.createStream(b -> b.streamName("kept").shardCount(2).tags(Map.of("owner", "ops")));
            kinesis.increaseStreamRetentionPeriod(b -> b.streamName("kept").retentionPeriodHours(72));
            for (int i = 0; i < 5; i++) {
                int n = i;
                sequenceNumbers.add(kinesis.putRecord(b -> b.streamName("kept").partitionKey("p").explicitHashKey("7")
                        .data(SdkBytes.fromUtf8String("r" + n))).sequenceNumber());
            }
            List<PutRecordsRequestEntry> batch = List.of(
                    PutRecordsRequestEntry.builder().partitionKey("q").explicitHashKey(BigInteger.ONE.shiftLeft(127).toString())
                            .data(SdkBytes.fromUtf8String("upper")).build());
            kinesis.putRecords(b -> b.streamName("kept").records(batch));
            kinesis.splitShard(b -> b.streamName("kept").shardToSplit("shardId-000000000001")
                    .newStartingHashKey(BigInteger.ONE.shiftLeft(127).add(BigInteger.TEN).toString()));
        }

        try (AwsTestBroker second = AwsTestBroker.durable(KinesisTestSettings.UNTHROTTLED, dir)) {
            KinesisClient kinesis = second.kinesis();
            StreamDescriptionSummary s = kinesis.describeStreamSummary(b -> b.streamName("kept")).streamDescriptionSummary();
            assertThat(s.retentionPeriodHours()).isEqualTo(72);
            assertThat(s.openShardCount()).isEqualTo(3);
            assertThat(kinesis.listTagsForStream(b -> b.streamName("kept")).tags()).extracting(Tag::key)
                    .containsExactly("owner");
            assertThat(all(kinesis, "kept", "shardId-000000000000")).containsExactly("r0", "r1", "r2", "r3", "r4");
            assertThat(all(kinesis, "kept", "shardId-000000000001")).containsExactly("upper");
            String it = kinesis.getShardIterator(b -> b.streamName("kept").shardId("shardId-000000000000")
                    .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(sequenceNumbers.get(3)))
                    .shardIterator();
            assertThat(kinesis.getRecords(b -> b.shardIterator(it)).records()).extracting(Record::sequenceNumber)
                    .containsExactly(sequenceNumbers.get(3), sequenceNumbers.get(4));
            // New records continue the sequence.
            String next = kinesis.putRecord(b -> b.streamName("kept").partitionKey("p").explicitHashKey("7")
                    .data(SdkBytes.fromUtf8String("r5"))).sequenceNumber();
            assertThat(new BigInteger(next)).isGreaterThan(new BigInteger(sequenceNumbers.get(4)));
        }
    }

    @Test
    void enhancedFanOutConsumersSurviveARestartAndStayHiddenFromTags() {
        String arn;
        String streamArn;
        try (AwsTestBroker first = AwsTestBroker.durable(KinesisTestSettings.UNTHROTTLED, dir)) {
            KinesisClient kinesis = first.kinesis();
            kinesis.createStream(b -> b.streamName("fanned").shardCount(1));
            kinesis.waiter().waitUntilStreamExists(b -> b.streamName("fanned"));
            streamArn = kinesis.describeStreamSummary(b -> b.streamName("fanned")).streamDescriptionSummary().streamARN();
            arn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("kept-reader")).consumer()
                    .consumerARN();
            String gone = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("gone-reader"))
                    .consumer().consumerARN();
            kinesis.deregisterStreamConsumer(b -> b.consumerARN(gone));
        }

        try (AwsTestBroker second = AwsTestBroker.durable(KinesisTestSettings.UNTHROTTLED, dir)) {
            KinesisClient kinesis = second.kinesis();
            assertThat(kinesis.listStreamConsumers(b -> b.streamARN(streamArn)).consumers())
                    .extracting(Consumer::consumerName, Consumer::consumerARN)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("kept-reader", arn));
            // CREATING for half a second after registration, restart or not.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> kinesis
                    .describeStreamConsumer(b -> b.consumerARN(arn)).consumerDescription().consumerStatus()
                    == ConsumerStatus.ACTIVE);
            assertThat(kinesis.describeStreamSummary(b -> b.streamName("fanned")).streamDescriptionSummary()
                    .consumerCount()).isEqualTo(1);
            assertThat(kinesis.listTagsForStream(b -> b.streamName("fanned")).tags()).isEmpty();
        }
    }
}
