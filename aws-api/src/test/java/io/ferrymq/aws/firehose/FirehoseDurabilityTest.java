package io.ferrymq.aws.firehose;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationConfiguration;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.ferrymq.aws.firehose.FirehoseTestBroker.bytes;
import static io.ferrymq.aws.firehose.FirehoseTestBroker.content;
import static io.ferrymq.aws.firehose.FirehoseTestBroker.objects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Accepted records are not lost: a clean shutdown delivers what is buffered, a crash before the flush leaves
 * them in the delivery stream's log for the restarted broker, and a Kinesis source resumes where it stopped.
 */
class FirehoseDurabilityTest {

    @TempDir
    Path buckets;
    @TempDir
    Path data;

    private final AtomicLong clock = new AtomicLong(FirehoseTestBroker.START);

    private FirehoseTestBroker broker() {
        return new FirehoseTestBroker(buckets, data, clock, false);
    }

    private static void createToDirectory(FirehoseClient firehose, String name) {
        firehose.createDeliveryStream(b -> b.deliveryStreamName(name).extendedS3DestinationConfiguration(
                ExtendedS3DestinationConfiguration.builder().bucketARN("arn:aws:s3:::kept").roleARN("arn:aws:iam::0:role/r")
                        .bufferingHints(h -> h.sizeInMBs(5).intervalInSeconds(900)).build()));
        FirehoseTestBroker.awaitActive(firehose, name);
    }

    private String delivered() {
        Path bucket = buckets.resolve("kept");
        return String.join("|", objects(bucket).stream()
                .map(k -> new String(content(bucket.resolve(k)), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void aCleanShutdownDeliversWhatIsBuffered() {
        try (FirehoseTestBroker first = broker()) {
            FirehoseClient firehose = first.firehose();
            createToDirectory(firehose, "orders");
            firehose.putRecordBatch(b -> b.deliveryStreamName("orders").records(
                    Record.builder().data(bytes("a;")).build(), Record.builder().data(bytes("b;")).build()));
            await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(5)).until(() -> delivered().isEmpty());
        }
        assertThat(delivered()).isEqualTo("a;b;");
    }

    @Test
    void recordsAcceptedBeforeACrashAreDeliveredAfterTheRestart() {
        try (FirehoseTestBroker first = broker()) {
            FirehoseClient firehose = first.firehose();
            createToDirectory(firehose, "orders");
            for (String s : List.of("1;", "2;", "3;")) {
                firehose.putRecord(b -> b.deliveryStreamName("orders").record(r -> r.data(bytes(s))));
            }
            first.crash();
        }
        assertThat(delivered()).isEmpty();
        try (FirehoseTestBroker second = broker()) {
            FirehoseTestBroker.awaitActive(second.firehose(), "orders");
            second.advance(Duration.ofSeconds(900));
            await().atMost(Duration.ofSeconds(30)).until(() -> !delivered().isEmpty());
            assertThat(delivered()).isEqualTo("1;2;3;");
            // Delivered records are not delivered again after another restart.
            second.firehose().putRecord(b -> b.deliveryStreamName("orders").record(r -> r.data(bytes("4;"))));
        }
        try (FirehoseTestBroker third = broker()) {
            FirehoseTestBroker.awaitActive(third.firehose(), "orders");
            third.advance(Duration.ofSeconds(900));
            await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(10))
                    .until(() -> objects(buckets.resolve("kept")).size() == 2);
        }
        assertThat(Arrays.stream(delivered().split("\\|")).sorted().toList()).containsExactly("1;2;3;", "4;");
    }

    @Test
    void aKinesisSourceIsDeliveredInOrderPerShardAndResumesAfterARestart() {
        String arn;
        try (FirehoseTestBroker first = broker()) {
            KinesisClient kinesis = first.kinesis();
            kinesis.createStream(b -> b.streamName("telemetry").shardCount(2));
            // The broker clock stands still here: past the moment a new stream shows CREATING.
            first.advance(Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.describeStreamSummary(b -> b.streamName("telemetry"))
                    .streamDescriptionSummary().streamStatusAsString().equals("ACTIVE"));
            arn = kinesis.describeStreamSummary(b -> b.streamName("telemetry")).streamDescriptionSummary().streamARN();
            kinesis.putRecord(b -> b.streamName("telemetry").partitionKey("early").data(SdkBytes.fromUtf8String("before;")));

            FirehoseClient firehose = first.firehose();
            firehose.createDeliveryStream(b -> b.deliveryStreamName("from-kinesis")
                    .deliveryStreamType(DeliveryStreamType.KINESIS_STREAM_AS_SOURCE)
                    .kinesisStreamSourceConfiguration(k -> k.kinesisStreamARN(arn).roleARN("arn:aws:iam::0:role/r"))
                    .extendedS3DestinationConfiguration(ExtendedS3DestinationConfiguration.builder()
                            .bucketARN("arn:aws:s3:::kept").roleARN("arn:aws:iam::0:role/r").prefix("k/")
                            .bufferingHints(h -> h.sizeInMBs(5).intervalInSeconds(60)).build()));
            FirehoseTestBroker.awaitActive(firehose, "from-kinesis");
            assertThat(firehose.describeDeliveryStream(b -> b.deliveryStreamName("from-kinesis"))
                    .deliveryStreamDescription().source().kinesisStreamSourceDescription().kinesisStreamARN()).isEqualTo(arn);

            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey("device-" + (i % 5))
                        .data(SdkBytes.fromUtf8String("device-" + (i % 5) + ":" + i + ";")).build());
            }
            kinesis.putRecords(b -> b.streamName("telemetry").records(entries));
            first.advance(Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered().split(";").length == 30);
            String got = delivered();
            assertThat(got).doesNotContain("before;");
            for (int d = 0; d < 5; d++) {
                List<Integer> order = new ArrayList<>();
                for (String r : got.split(";")) {
                    if (r.startsWith("device-" + d + ":")) {
                        order.add(Integer.parseInt(r.substring(r.indexOf(':') + 1)));
                    }
                }
                assertThat(order).as("device " + d).hasSize(6).isSorted();
            }
        }
        try (FirehoseTestBroker second = broker()) {
            FirehoseTestBroker.awaitActive(second.firehose(), "from-kinesis");
            second.kinesis().putRecord(b -> b.streamName("telemetry").partitionKey("late").data(SdkBytes.fromUtf8String("after;")));
            second.advance(Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(30)).until(() -> objects(buckets.resolve("kept")).size() == 2);
            Path bucket = buckets.resolve("kept");
            List<String> contents = objects(bucket).stream()
                    .map(k -> new String(content(bucket.resolve(k)), StandardCharsets.UTF_8)).toList();
            assertThat(contents).contains("after;");
        }
    }
}
