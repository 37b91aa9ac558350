package io.ferrymq.aws.kinesis;

import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.AwsTestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour that depends on the broker's clock (iterator expiry, throughput limits, retention), on a moved clock. */
class KinesisBrokerClockTest {

    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private AwsTestBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private KinesisClient start(AwsApiSettings settings) {
        broker = AwsTestBroker.withClock(settings, now::get);
        return broker.kinesis();
    }

    private static List<PutRecordsRequestEntry> entries(int n) {
        List<PutRecordsRequestEntry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(PutRecordsRequestEntry.builder().partitionKey("k" + i).data(SdkBytes.fromUtf8String("r" + i)).build());
        }
        return out;
    }

    @Test
    void aStreamIsCreatingThenActiveAndDeletingThenGoneAsOnAws() {
        KinesisClient kinesis = start(AwsApiSettings.defaults());
        kinesis.createStream(b -> b.streamName("lifecycle").shardCount(1));
        assertThat(kinesis.describeStream(b -> b.streamName("lifecycle")).streamDescription().streamStatus())
                .isEqualTo(StreamStatus.CREATING);
        assertThat(kinesis.listStreams().streamSummaries()).singleElement()
                .satisfies(s -> assertThat(s.streamStatus()).isEqualTo(StreamStatus.CREATING));
        // Records are taken while it is CREATING (AWS would refuse them; FerryMQ need not).
        kinesis.putRecord(b -> b.streamName("lifecycle").partitionKey("k").data(SdkBytes.fromUtf8String("early")));

        now.addAndGet(KinesisStreamActions.TRANSITION_MILLIS);
        assertThat(kinesis.describeStreamSummary(b -> b.streamName("lifecycle")).streamDescriptionSummary()
                .streamStatus()).isEqualTo(StreamStatus.ACTIVE);

        kinesis.deleteStream(b -> b.streamName("lifecycle"));
        assertThat(kinesis.describeStream(b -> b.streamName("lifecycle")).streamDescription().streamStatus())
                .isEqualTo(StreamStatus.DELETING);
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName("lifecycle").partitionKey("k")
                .data(SdkBytes.fromUtf8String("late")))).isInstanceOf(ResourceNotFoundException.class);
        now.addAndGet(KinesisStreamActions.TRANSITION_MILLIS);
        assertThatThrownBy(() -> kinesis.describeStream(b -> b.streamName("lifecycle")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void anIteratorExpiresFiveMinutesAfterItWasIssued() {
        KinesisClient kinesis = start(AwsApiSettings.defaults());
        kinesis.createStream(b -> b.streamName("expiring").shardCount(1));
        String it = kinesis.getShardIterator(b -> b.streamName("expiring").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        now.addAndGet(Duration.ofMinutes(5).toMillis());
        String next = kinesis.getRecords(b -> b.shardIterator(it)).nextShardIterator();
        now.addAndGet(1);
        assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator(it)))
                .isInstanceOf(ExpiredIteratorException.class).hasMessageContaining("Iterator expired");
        // The iterator a read hands back is fresh.
        assertThat(kinesis.getRecords(b -> b.shardIterator(next)).records()).isEmpty();
    }

    @Test
    void putRecordsPastAShardsThousandRecordsASecondFailsOnlyTheRecordsOverTheLimit() {
        KinesisClient kinesis = start(AwsApiSettings.defaults());
        kinesis.createStream(b -> b.streamName("busy").shardCount(1));
        assertThat(kinesis.putRecords(b -> b.streamName("busy").records(entries(500))).failedRecordCount()).isZero();
        assertThat(kinesis.putRecords(b -> b.streamName("busy").records(entries(490))).failedRecordCount()).isZero();

        PutRecordsResponse partly = kinesis.putRecords(b -> b.streamName("busy").records(entries(25)));

        assertThat(partly.failedRecordCount()).isEqualTo(15);
        assertThat(partly.records().subList(0, 10)).allSatisfy(r -> assertThat(r.sequenceNumber()).isNotNull());
        assertThat(partly.records().subList(10, 25)).allSatisfy(r -> {
            assertThat(r.errorCode()).isEqualTo("ProvisionedThroughputExceededException");
            assertThat(r.errorMessage()).contains("Rate exceeded for shard shardId-000000000000 in stream busy");
            assertThat(r.sequenceNumber()).isNull();
        });
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName("busy").partitionKey("p")
                .data(SdkBytes.fromUtf8String("x")))).isInstanceOf(ProvisionedThroughputExceededException.class);

        now.addAndGet(1000);
        assertThat(kinesis.putRecords(b -> b.streamName("busy").records(entries(15))).records())
                .extracting(PutRecordsResultEntry::errorCode).containsOnlyNulls();
        // What was refused was not stored: 1000 records, then 15.
        String it = kinesis.getShardIterator(b -> b.streamName("busy").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        assertThat(kinesis.getRecords(b -> b.shardIterator(it)).records()).hasSize(1015);
    }

    @Test
    void aShardServesFiveGetRecordsCallsASecond() {
        KinesisClient kinesis = start(AwsApiSettings.defaults());
        kinesis.createStream(b -> b.streamName("polled").shardCount(1));
        String it = kinesis.getShardIterator(b -> b.streamName("polled").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.LATEST)).shardIterator();
        for (int i = 0; i < 5; i++) {
            kinesis.getRecords(b -> b.shardIterator(it));
        }
        assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator(it)))
                .isInstanceOf(ProvisionedThroughputExceededException.class);
        now.addAndGet(1000);
        assertThat(kinesis.getRecords(b -> b.shardIterator(it)).records()).isEmpty();
    }

    @Test
    void withTheLimitsSwitchedOffNothingIsThrottled() {
        KinesisClient kinesis = start(AwsApiSettings.defaults().withKinesisThroughputLimits(false));
        kinesis.createStream(b -> b.streamName("free").shardCount(1));
        for (int i = 0; i < 3; i++) {
            assertThat(kinesis.putRecords(b -> b.streamName("free").records(entries(500))).failedRecordCount()).isZero();
        }
        String it = kinesis.getShardIterator(b -> b.streamName("free").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.LATEST)).shardIterator();
        for (int i = 0; i < 10; i++) {
            kinesis.getRecords(b -> b.shardIterator(it));
        }
    }

    @Test
    void recordsOlderThanTheRetentionPeriodAreNoLongerRead() {
        KinesisClient kinesis = start(AwsApiSettings.defaults());
        kinesis.createStream(b -> b.streamName("aging").shardCount(1));
        kinesis.increaseStreamRetentionPeriod(b -> b.streamName("aging").retentionPeriodHours(48));
        kinesis.putRecord(b -> b.streamName("aging").partitionKey("p").data(SdkBytes.fromUtf8String("old")));
        now.addAndGet(Duration.ofHours(30).toMillis());
        kinesis.putRecord(b -> b.streamName("aging").partitionKey("p").data(SdkBytes.fromUtf8String("new")));
        String it = kinesis.getShardIterator(b -> b.streamName("aging").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        assertThat(kinesis.getRecords(b -> b.shardIterator(it)).records()).extracting(r -> r.data().asUtf8String())
                .containsExactly("old", "new");

        kinesis.decreaseStreamRetentionPeriod(b -> b.streamName("aging").retentionPeriodHours(24));
        broker.embedded().broker().streams().enforceRetention().join();

        String after = kinesis.getShardIterator(b -> b.streamName("aging").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        assertThat(kinesis.getRecords(b -> b.shardIterator(after)).records()).extracting(r -> r.data().asUtf8String())
                .containsExactly("new");
    }
}
