package io.ferrymq.aws.kinesis;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.ferrymq.aws.AwsTestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Kinesis' CBOR wire format byte by byte: blobs as byte strings, timestamps as tag 1, errors as CBOR maps. */
class KinesisCborWireTest {

    private static final CBORMapper CBOR = new CBORMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static AwsTestBroker broker;

    @BeforeAll
    static void start() {
        broker = AwsTestBroker.start(KinesisTestSettings.UNTHROTTLED);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static HttpResponse<byte[]> call(String action, Object body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(broker.endpoint() + "/")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-amz-cbor-1.1")
                .header("X-Amz-Target", "Kinesis_20131202." + action)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body instanceof byte[] b ? b : CBOR.writeValueAsBytes(body)))
                .build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void recordsComeBackAsByteStringsWithTaggedMillisecondTimestamps() throws Exception {
        String name = AwsTestBroker.unique("cbor");
        assertThat(call("CreateStream", Map.of("StreamName", name, "ShardCount", 1)).statusCode()).isEqualTo(200);
        long before = System.currentTimeMillis();
        HttpResponse<byte[]> put = call("PutRecord", Map.of("StreamName", name, "PartitionKey", "k",
                "Data", new byte[] {1, 2, 3}));
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.headers().firstValue("Content-Type")).hasValue("application/x-amz-cbor-1.1");
        String iterator = CBOR.readTree(call("GetShardIterator", Map.of("StreamName", name, "ShardId",
                "shardId-000000000000", "ShardIteratorType", "TRIM_HORIZON")).body()).path("ShardIterator").asText();

        byte[] body = call("GetRecords", Map.of("ShardIterator", iterator)).body();
        JsonNode tree = CBOR.readTree(body);
        assertThat(tree.path("Records").get(0).path("Data").isBinary()).isTrue();
        assertThat(tree.path("Records").get(0).path("Data").binaryValue()).containsExactly(1, 2, 3);

        try (CBORParser p = new CBORFactory().createParser(body)) {
            int tag = -1;
            long millis = -1;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME && p.currentName().equals("ApproximateArrivalTimestamp")) {
                    p.nextToken();
                    tag = p.getCurrentTag();
                    millis = p.getLongValue();
                }
            }
            assertThat(tag).isEqualTo(1);
            assertThat(millis).isBetween(before - 1000, System.currentTimeMillis() + 1000);
        }
    }

    @Test
    void errorsAreCborMapsWithTheBareTypeAndBrokenCborIsASerializationError() throws Exception {
        HttpResponse<byte[]> missing = call("DescribeStream", Map.of("StreamName", "absent"));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.headers().firstValue("x-amzn-ErrorType")).hasValue("ResourceNotFoundException");
        JsonNode error = CBOR.readTree(missing.body());
        assertThat(error.path("__type").asText()).isEqualTo("ResourceNotFoundException");
        assertThat(error.path("message").asText()).isEqualTo("Stream absent under account 000000000000 not found.");

        HttpResponse<byte[]> broken = call("ListStreams", "not cbor at all".getBytes(StandardCharsets.UTF_8));
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(CBOR.readTree(broken.body()).path("__type").asText()).isEqualTo("SerializationException");
    }
}
