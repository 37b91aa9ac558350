package io.ferrymq.aws.kinesis;

import io.ferrymq.aws.AwsTestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.ValidationException;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The same SDK in JSON mode (AWS JSON 1.1: {@code aws.cborEnabled=false}, as a JVM without the CBOR default
 * runs it): blobs as base64, timestamps as epoch seconds. The SDK reads the setting on every call, so this class
 * sets it for its own calls only (test classes run one after another in the test JVM).
 */
class KinesisJsonProtocolTest {

    private static final String CBOR_SETTING = "aws.cborEnabled";

    private static AwsTestBroker broker;
    private static KinesisClient kinesis;
    private static final Set<String> contentTypes = ConcurrentHashMap.newKeySet();
    private static String previous;

    @BeforeAll
    static void start() {
        previous = System.getProperty(CBOR_SETTING);
        System.setProperty(CBOR_SETTING, "false");
        broker = AwsTestBroker.start(KinesisTestSettings.UNTHROTTLED);
        kinesis = broker.kinesis(new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                context.httpRequest().firstMatchingHeader("Content-Type").ifPresent(contentTypes::add);
            }
        });
    }

    @AfterAll
    static void stop() {
        if (previous == null) {
            System.clearProperty(CBOR_SETTING);
        } else {
            System.setProperty(CBOR_SETTING, previous);
        }
        broker.close();
    }

    @Test
    void recordsAndTimestampsRoundTripInJson() {
        String name = AwsTestBroker.unique("json");
        kinesis.createStream(b -> b.streamName(name).shardCount(2));
        Instant before = Instant.now().minusSeconds(1);
        kinesis.putRecord(b -> b.streamName(name).partitionKey("p").explicitHashKey("0")
                .data(SdkBytes.fromByteArray(new byte[] {1, 2, 3, (byte) 0xfe})));
        kinesis.putRecords(b -> b.streamName(name).records(
                PutRecordsRequestEntry.builder().partitionKey("q").explicitHashKey("1").data(SdkBytes.fromUtf8String("two")).build()));
        String it = kinesis.getShardIterator(b -> b.streamName(name).shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(before)).shardIterator();
        GetRecordsResponse got = kinesis.getRecords(b -> b.shardIterator(it));
        assertThat(got.records()).hasSize(2);
        assertThat(got.records().get(0).data().asByteArray()).containsExactly(1, 2, 3, 0xfe);
        assertThat(got.records().get(1).data().asUtf8String()).isEqualTo("two");
        assertThat(got.records()).extracting(Record::approximateArrivalTimestamp)
                .allSatisfy(t -> assertThat(t).isBetween(before, Instant.now().plusSeconds(1)));
        assertThat(kinesis.describeStream(b -> b.streamName(name)).streamDescription().streamCreationTimestamp())
                .isBetween(before, Instant.now().plusSeconds(1));
        assertThat(contentTypes).containsOnly("application/x-amz-json-1.1");
    }

    @Test
    void errorsCarryKinesisExceptionNamesInJson() {
        assertThatThrownBy(() -> kinesis.describeStream(b -> b.streamName("missing-stream")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator("garbage")))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> kinesis.createStream(b -> b.streamName("bad name").shardCount(1)))
                .isInstanceOf(ValidationException.class);
    }

    @Test
    void aRawJsonErrorHasTheBareTypeAndAMessage() {
        HttpResponse<String> res = broker.post("/", "application/x-amz-json-1.1", "{\"StreamName\":\"nope\"}",
                Map.of("X-Amz-Target", "Kinesis_20131202.DescribeStream"));
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.1");
        assertThat(res.body()).contains("\"__type\":\"ResourceNotFoundException\"")
                .contains("\"message\":\"Stream nope under account 000000000000 not found.\"");
        HttpResponse<String> bad = broker.post("/", "application/x-amz-json-1.1", "{not json",
                Map.of("X-Amz-Target", "Kinesis_20131202.ListStreams"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("SerializationException");
        HttpResponse<String> unknown = broker.post("/", "application/x-amz-json-1.1", "{}",
                Map.of("X-Amz-Target", "Kinesis_20131202.NoSuchAction"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("UnknownOperationException");
    }
}
