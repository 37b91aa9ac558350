package io.ferrymq.aws.firehose;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CompressionFormat;
import software.amazon.awssdk.services.firehose.model.ConcurrentModificationException;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationConfiguration;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.firehose.model.ResourceInUseException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.Tag;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.ferrymq.aws.firehose.FirehoseTestBroker.bytes;
import static io.ferrymq.aws.firehose.FirehoseTestBroker.content;
import static io.ferrymq.aws.firehose.FirehoseTestBroker.objects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Describe, list, tags, UpdateDestination and delete; and AWS's errors for bad input, with the AWS SDK v2. */
class FirehoseManagementAndErrorsTest {

    @TempDir
    Path buckets;

    private FirehoseTestBroker broker;
    private FirehoseClient firehose;

    @BeforeEach
    void start() {
        broker = new FirehoseTestBroker(buckets, null, new AtomicLong(FirehoseTestBroker.START), true);
        firehose = broker.firehose();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static ExtendedS3DestinationConfiguration.Builder s3(String bucket) {
        return ExtendedS3DestinationConfiguration.builder().bucketARN("arn:aws:s3:::" + bucket)
                .roleARN("arn:aws:iam::000000000000:role/firehose");
    }

    private void create(String name) {
        firehose.createDeliveryStream(b -> b.deliveryStreamName(name)
                .extendedS3DestinationConfiguration(s3("mgmt").prefix("v1/").bufferingHints(h -> h.intervalInSeconds(60)).build())
                .tags(Tag.builder().key("team").value("data").build()));
        FirehoseTestBroker.awaitActive(firehose, name);
    }

    @Test
    void describeListTagUpdateAndDelete() {
        create("alpha");
        create("beta");
        DeliveryStreamDescription d = firehose.describeDeliveryStream(b -> b.deliveryStreamName("alpha"))
                .deliveryStreamDescription();
        assertThat(d.deliveryStreamARN()).isEqualTo("arn:aws:firehose:us-east-1:000000000000:deliverystream/alpha");
        assertThat(d.deliveryStreamType()).isEqualTo(DeliveryStreamType.DIRECT_PUT);
        assertThat(d.versionId()).isEqualTo("1");
        assertThat(d.createTimestamp().toEpochMilli() / 1000).isEqualTo(FirehoseTestBroker.START / 1000);
        var s3 = d.destinations().get(0).extendedS3DestinationDescription();
        assertThat(s3.bucketARN()).isEqualTo("arn:aws:s3:::mgmt");
        assertThat(s3.prefix()).isEqualTo("v1/");
        assertThat(s3.compressionFormat()).isEqualTo(CompressionFormat.UNCOMPRESSED);
        assertThat(s3.bufferingHints().sizeInMBs()).isEqualTo(5);
        assertThat(s3.bufferingHints().intervalInSeconds()).isEqualTo(60);

        assertThat(firehose.listDeliveryStreams(b -> b.limit(1)).deliveryStreamNames()).containsExactly("alpha");
        assertThat(firehose.listDeliveryStreams(b -> b.limit(1)).hasMoreDeliveryStreams()).isTrue();
        assertThat(firehose.listDeliveryStreams(b -> b.exclusiveStartDeliveryStreamName("alpha")).deliveryStreamNames())
                .containsExactly("beta");

        firehose.tagDeliveryStream(b -> b.deliveryStreamName("alpha").tags(Tag.builder().key("env").value("prod").build()));
        firehose.untagDeliveryStream(b -> b.deliveryStreamName("alpha").tagKeys("team"));
        assertThat(firehose.listTagsForDeliveryStream(b -> b.deliveryStreamName("alpha")).tags())
                .containsExactly(Tag.builder().key("env").value("prod").build());

        // UpdateDestination: records after it go under the new prefix with the new version in their names.
        firehose.updateDestination(b -> b.deliveryStreamName("alpha").currentDeliveryStreamVersionId("1")
                .destinationId(d.destinations().get(0).destinationId())
                .extendedS3DestinationUpdate(u -> u.prefix("v2/")));
        assertThatThrownBy(() -> firehose.updateDestination(b -> b.deliveryStreamName("alpha")
                .currentDeliveryStreamVersionId("1").destinationId("destinationId-000000000001")
                .extendedS3DestinationUpdate(u -> u.prefix("v3/")))).isInstanceOf(ConcurrentModificationException.class);
        DeliveryStreamDescription updated = firehose.describeDeliveryStream(b -> b.deliveryStreamName("alpha"))
                .deliveryStreamDescription();
        assertThat(updated.versionId()).isEqualTo("2");
        assertThat(updated.destinations().get(0).extendedS3DestinationDescription().prefix()).isEqualTo("v2/");
        assertThat(updated.destinations().get(0).extendedS3DestinationDescription().bufferingHints().intervalInSeconds())
                .isEqualTo(60);
        FirehoseTestBroker.awaitActive(firehose, "alpha");
        firehose.putRecord(b -> b.deliveryStreamName("alpha").record(r -> r.data(bytes("after update"))));
        broker.advance(Duration.ofSeconds(60));
        Path bucket = buckets.resolve("mgmt");
        await().atMost(Duration.ofSeconds(30)).until(() -> objects(bucket).size() == 1);
        assertThat(objects(bucket).get(0)).startsWith("v2/2026/03/04/05/alpha-2-");

        firehose.deleteDeliveryStream(b -> b.deliveryStreamName("alpha"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThatThrownBy(() ->
                firehose.describeDeliveryStream(b -> b.deliveryStreamName("alpha")))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("Firehose alpha under account"));
        assertThat(firehose.listDeliveryStreams(b -> { }).deliveryStreamNames()).containsExactly("beta");
        // The name can be used again.
        create("alpha");
        assertThat(firehose.describeDeliveryStream(b -> b.deliveryStreamName("alpha")).deliveryStreamDescription()
                .deliveryStreamStatus()).isEqualTo(DeliveryStreamStatus.ACTIVE);
    }

    @Test
    void badRequestsGetAwsErrors() {
        create("gamma");
        assertThatThrownBy(() -> create("gamma")).isInstanceOf(ResourceInUseException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> firehose.putRecord(b -> b.deliveryStreamName("nope").record(r -> r.data(bytes("x")))))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("Firehose nope under account 000000000000 not found");
        assertThatThrownBy(() -> firehose.createDeliveryStream(b -> b.deliveryStreamName("snappy")
                .extendedS3DestinationConfiguration(s3("mgmt").compressionFormat(CompressionFormat.SNAPPY).build())))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Snappy is not supported");
        assertThatThrownBy(() -> firehose.createDeliveryStream(b -> b.deliveryStreamName("nowhere")
                .extendedS3DestinationConfiguration(s3("").bucketARN("arn:aws:s3:::a/b").build())))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not an S3 bucket ARN");
        assertThatThrownBy(() -> firehose.createDeliveryStream(b -> b.deliveryStreamName("bad name!")
                .extendedS3DestinationConfiguration(s3("mgmt").build())))
                .isInstanceOfSatisfying(FirehoseException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        assertThatThrownBy(() -> firehose.createDeliveryStream(b -> b.deliveryStreamName("no-destination")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Exactly one destination");
        assertThatThrownBy(() -> firehose.createDeliveryStream(b -> b.deliveryStreamName("no-kinesis")
                .deliveryStreamType(DeliveryStreamType.KINESIS_STREAM_AS_SOURCE)
                .kinesisStreamSourceConfiguration(k -> k.kinesisStreamARN("arn:aws:kinesis:us-east-1:000000000000:stream/absent")
                        .roleARN("arn:aws:iam::0:role/r"))
                .extendedS3DestinationConfiguration(s3("mgmt").build())))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("does not exist");

        byte[] tooBig = new byte[1_024_001];
        assertThatThrownBy(() -> firehose.putRecord(b -> b.deliveryStreamName("gamma")
                .record(r -> r.data(SdkBytes.fromByteArray(tooBig)))))
                .isInstanceOfSatisfying(FirehoseException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.getMessage()).contains("1024000");
                });
        List<Record> tooMany = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            tooMany.add(Record.builder().data(bytes("r")).build());
        }
        assertThatThrownBy(() -> firehose.putRecordBatch(b -> b.deliveryStreamName("gamma").records(tooMany)))
                .isInstanceOfSatisfying(FirehoseException.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        List<Record> tooLarge = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tooLarge.add(Record.builder().data(SdkBytes.fromByteArray(new byte[1_000_000])).build());
        }
        assertThatThrownBy(() -> firehose.putRecordBatch(b -> b.deliveryStreamName("gamma").records(tooLarge)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("4 MiB");
        // The broker still serves the delivery stream.
        assertThat(firehose.putRecord(b -> b.deliveryStreamName("gamma").record(r -> r.data(bytes("fine")))).recordId())
                .isNotBlank();
    }

    @Test
    void recordsOverTheWriteQuotaFailOneByOneInABatch() {
        create("quota");
        // 5 MiB a second, counted on the broker's clock, which does not move here.
        List<Record> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] data = new byte[1_000_000];
            data[0] = (byte) i;
            batch.add(Record.builder().data(SdkBytes.fromByteArray(data)).build());
        }
        PutRecordBatchResponse first = firehose.putRecordBatch(b -> b.deliveryStreamName("quota").records(batch));
        assertThat(first.failedPutCount()).isZero();
        PutRecordBatchResponse second = firehose.putRecordBatch(b -> b.deliveryStreamName("quota").records(batch));
        assertThat(second.failedPutCount()).isEqualTo(3);
        assertThat(second.requestResponses().get(0).recordId()).isNotBlank();
        assertThat(second.requestResponses().subList(1, 4)).allSatisfy(r -> {
            assertThat(r.errorCode()).isEqualTo("ServiceUnavailableException");
            assertThat(r.errorMessage()).isEqualTo("Slow down.");
            assertThat(r.recordId()).isNull();
        });
        // Only the accepted records are delivered.
        broker.advance(Duration.ofSeconds(60));
        Path bucket = buckets.resolve("mgmt");
        await().atMost(Duration.ofSeconds(30)).until(() -> objects(bucket).stream()
                .mapToLong(k -> content(bucket.resolve(k)).length).sum() == 5_000_000);
    }

    @Test
    void aKinesisSourcedDeliveryStreamRefusesPutRecord() {
        var kinesis = broker.kinesis();
        kinesis.createStream(b -> b.streamName("src").shardCount(1));
        String arn = kinesis.describeStreamSummary(b -> b.streamName("src")).streamDescriptionSummary().streamARN();
        firehose.createDeliveryStream(b -> b.deliveryStreamName("sourced")
                .deliveryStreamType(DeliveryStreamType.KINESIS_STREAM_AS_SOURCE)
                .kinesisStreamSourceConfiguration(k -> k.kinesisStreamARN(arn).roleARN("arn:aws:iam::0:role/r"))
                .extendedS3DestinationConfiguration(s3("mgmt").build()));
        FirehoseTestBroker.awaitActive(firehose, "sourced");
        assertThatThrownBy(() -> firehose.putRecord(b -> b.deliveryStreamName("sourced").record(r -> r.data(bytes("x")))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("not permitted on KinesisStreamAsSource");
        assertThat(firehose.listDeliveryStreams(b -> b.deliveryStreamType(DeliveryStreamType.KINESIS_STREAM_AS_SOURCE))
                .deliveryStreamNames()).containsExactly("sourced");
    }

    @Test
    void aDeliveryStreamsOwnLogIsNotListedAsAKinesisStream() {
        var kinesis = broker.kinesis();
        kinesis.createStream(b -> b.streamName("visible").shardCount(1));
        create("hidden-log");
        assertThat(kinesis.listStreams(b -> { }).streamNames()).containsExactly("visible");
    }
}
