package io.ferrymq.aws.kinesis;

import io.ferrymq.aws.AwsTestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.ValidationException;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Writing and reading records through the AWS SDK's KinesisClient (CBOR, its default). */
class KinesisRecordsTest {

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

    private static String stream(int shards) {
        String name = AwsTestBroker.unique("records");
        kinesis.createStream(b -> b.streamName(name).shardCount(shards));
        return name;
    }

    private static SdkBytes text(String s) {
        return SdkBytes.fromString(s, StandardCharsets.UTF_8);
    }

    private static String iterator(String stream, String shard, ShardIteratorType type) {
        return kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard).shardIteratorType(type)).shardIterator();
    }

    /** Reads a shard from an iterator until a call returns nothing, at most {@code calls} calls. */
    private static List<Record> drain(String iterator, int calls) {
        List<Record> out = new ArrayList<>();
        String it = iterator;
        for (int i = 0; i < calls && it != null; i++) {
            String current = it;
            GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(current));
            out.addAll(r.records());
            it = r.nextShardIterator();
            if (r.records().isEmpty()) {
                break;
            }
        }
        return out;
    }

    private static BigInteger md5(String key) throws Exception {
        return new BigInteger(1, MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aPutRecordIsReadBackFromTheTrimHorizonWithItsKeyDataAndArrivalTime() {
        String name = stream(1);
        Instant before = Instant.now().minusSeconds(1);
        PutRecordResponse first = kinesis.putRecord(b -> b.streamName(name).partitionKey("truck-1").data(text("hello")));
        PutRecordResponse second = kinesis.putRecord(b -> b.streamName(name).partitionKey("truck-2")
                .data(SdkBytes.fromByteArray(new byte[] {0, (byte) 0xff, 10})));
        assertThat(first.shardId()).isEqualTo("shardId-000000000000");
        assertThat(new BigInteger(second.sequenceNumber())).isGreaterThan(new BigInteger(first.sequenceNumber()));

        GetRecordsResponse got = kinesis.getRecords(b -> b.shardIterator(iterator(name, first.shardId(),
                ShardIteratorType.TRIM_HORIZON)));
        assertThat(got.records()).extracting(Record::sequenceNumber)
                .containsExactly(first.sequenceNumber(), second.sequenceNumber());
        assertThat(got.records().get(0).data().asUtf8String()).isEqualTo("hello");
        assertThat(got.records().get(1).data().asByteArray()).containsExactly(0, 0xff, 10);
        assertThat(got.records()).extracting(Record::partitionKey).containsExactly("truck-1", "truck-2");
        assertThat(got.records()).allSatisfy(r -> assertThat(r.approximateArrivalTimestamp())
                .isBetween(before, Instant.now().plusSeconds(1)));
        assertThat(got.millisBehindLatest()).isZero();
        assertThat(got.nextShardIterator()).isNotBlank();
        assertThat(kinesis.getRecords(b -> b.shardIterator(got.nextShardIterator())).records()).isEmpty();
    }

    @Test
    void aPartitionKeyGoesToTheShardWhoseHashRangeHoldsItsMd5() throws Exception {
        String name = stream(4);
        List<Shard> shards = kinesis.listShards(b -> b.streamName(name)).shards();
        for (int i = 0; i < 40; i++) {
            String key = "device-" + i;
            PutRecordResponse r = kinesis.putRecord(b -> b.streamName(name).partitionKey(key).data(text("x")));
            BigInteger hash = md5(key);
            Shard expected = shards.stream().filter(s -> new BigInteger(s.hashKeyRange().startingHashKey()).compareTo(hash) <= 0
                    && new BigInteger(s.hashKeyRange().endingHashKey()).compareTo(hash) >= 0).findFirst().orElseThrow();
            assertThat(r.shardId()).as(key).isEqualTo(expected.shardId());
        }
    }

    @Test
    void anExplicitHashKeyOverridesThePartitionKey() {
        String name = stream(2);
        String top = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).toString();
        assertThat(kinesis.putRecord(b -> b.streamName(name).partitionKey("k").explicitHashKey(top).data(text("a")))
                .shardId()).isEqualTo("shardId-000000000001");
        assertThat(kinesis.putRecord(b -> b.streamName(name).partitionKey("k").explicitHashKey("0").data(text("b")))
                .shardId()).isEqualTo("shardId-000000000000");
    }

    @Test
    void putRecordsStoresEveryEntryAndEachShardKeepsItsOrder() {
        String name = stream(3);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + (i % 17)).data(text("r" + i)).build());
        }
        PutRecordsResponse res = kinesis.putRecords(b -> b.streamName(name).records(entries));
        assertThat(res.failedRecordCount()).isZero();
        assertThat(res.records()).hasSize(500).allSatisfy(r -> {
            assertThat(r.errorCode()).isNull();
            assertThat(r.sequenceNumber()).isNotBlank();
        });
        Map<String, List<String>> sentPerShard = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            sentPerShard.computeIfAbsent(res.records().get(i).shardId(), s -> new ArrayList<>()).add("r" + i);
        }
        int total = 0;
        for (Map.Entry<String, List<String>> e : sentPerShard.entrySet()) {
            List<Record> read = drain(iterator(name, e.getKey(), ShardIteratorType.TRIM_HORIZON), 10);
            assertThat(read).extracting(r -> r.data().asUtf8String()).containsExactlyElementsOf(e.getValue());
            total += read.size();
        }
        assertThat(total).isEqualTo(500);
    }

    @Test
    void getRecordsHonoursItsLimitAndReportsHowFarBehindTheReaderIs() {
        String name = stream(1);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("p").data(text("n" + i)).build());
        }
        kinesis.putRecords(b -> b.streamName(name).records(entries));
        String it = iterator(name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
        GetRecordsResponse first = kinesis.getRecords(b -> b.shardIterator(it).limit(4));
        assertThat(first.records()).extracting(r -> r.data().asUtf8String()).containsExactly("n0", "n1", "n2", "n3");
        assertThat(first.millisBehindLatest()).isGreaterThanOrEqualTo(0);
        GetRecordsResponse rest = kinesis.getRecords(b -> b.shardIterator(first.nextShardIterator()).limit(100));
        assertThat(rest.records()).hasSize(6);
        assertThat(rest.millisBehindLatest()).isZero();
    }

    @Test
    void latestSeesOnlyRecordsPutAfterTheIteratorWasTaken() {
        String name = stream(1);
        kinesis.putRecord(b -> b.streamName(name).partitionKey("p").data(text("old")));
        String latest = iterator(name, "shardId-000000000000", ShardIteratorType.LATEST);
        kinesis.putRecord(b -> b.streamName(name).partitionKey("p").data(text("new")));
        assertThat(drain(latest, 3)).extracting(r -> r.data().asUtf8String()).containsExactly("new");
    }

    @Test
    void atAndAfterSequenceNumberStartAtAndAfterTheRecord() {
        String name = stream(1);
        List<String> seqs = new ArrayList<>();
        for (String s : List.of("a", "b", "c", "d")) {
            seqs.add(kinesis.putRecord(b -> b.streamName(name).partitionKey("p").data(text(s))).sequenceNumber());
        }
        String at = kinesis.getShardIterator(b -> b.streamName(name).shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(seqs.get(1))).shardIterator();
        assertThat(drain(at, 3)).extracting(r -> r.data().asUtf8String()).containsExactly("b", "c", "d");
        String after = kinesis.getShardIterator(b -> b.streamName(name).shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(seqs.get(1))).shardIterator();
        assertThat(drain(after, 3)).extracting(r -> r.data().asUtf8String()).containsExactly("c", "d");
    }

    @Test
    void atTimestampStartsAtTheFirstRecordThatArrivedThen() throws Exception {
        String name = stream(1);
        kinesis.putRecord(b -> b.streamName(name).partitionKey("p").data(text("before")));
        Instant firstArrival = drain(iterator(name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON), 2).get(0)
                .approximateArrivalTimestamp();
        // Arrival times are in milliseconds: wait until the broker's clock has moved past the first record.
        Instant mark = firstArrival.plusMillis(1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(mark));
        kinesis.putRecord(b -> b.streamName(name).partitionKey("p").data(text("after")));
        String it = kinesis.getShardIterator(b -> b.streamName(name).shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(mark)).shardIterator();
        assertThat(drain(it, 3)).extracting(r -> r.data().asUtf8String()).containsExactly("after");
        String all = kinesis.getShardIterator(b -> b.streamName(name).shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(firstArrival)).shardIterator();
        assertThat(drain(all, 3)).extracting(r -> r.data().asUtf8String()).containsExactly("before", "after");
    }

    @Test
    void anUnknownStreamOrShardIsResourceNotFound() {
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName("no-such-stream").partitionKey("p").data(text("x"))))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Stream no-such-stream under account 000000000000 not found.");
        assertThatThrownBy(() -> iterator("no-such-stream", "shardId-000000000000", ShardIteratorType.LATEST))
                .isInstanceOf(ResourceNotFoundException.class);
        String name = stream(1);
        assertThatThrownBy(() -> iterator(name, "shardId-000000000007", ShardIteratorType.LATEST))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("shardId-000000000007");
    }

    @Test
    void aMadeUpOrDamagedIteratorIsInvalidArgument() {
        assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator("not-an-iterator")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Invalid ShardIterator");
        String name = stream(1);
        String it = iterator(name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
        byte[] raw = Base64.getUrlDecoder().decode(it);
        raw[raw.length - 12] ^= 1;
        String damaged = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator(damaged)))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void anIteratorOfADeletedAndRecreatedStreamIsNotValidForTheNewOne() {
        String name = stream(1);
        String it = iterator(name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
        kinesis.deleteStream(b -> b.streamName(name));
        assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator(it))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void aRecordOverOneMebibyteIsAValidationError() {
        String name = stream(1);
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName(name).partitionKey("p")
                .data(SdkBytes.fromByteArray(new byte[1024 * 1024 + 1]))))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("data").hasMessageContaining("1048576");
        // Exactly 1 MiB is accepted and comes back whole.
        kinesis.putRecord(b -> b.streamName(name).partitionKey("p").data(SdkBytes.fromByteArray(new byte[1024 * 1024])));
        assertThat(drain(iterator(name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON), 2).get(0).data()
                .asByteArray()).hasSize(1024 * 1024);
    }

    @Test
    void anEmptyOrTooLongPartitionKeyIsAValidationError() {
        String name = stream(1);
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName(name).partitionKey("").data(text("x"))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("partitionKey");
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName(name).partitionKey("k".repeat(257)).data(text("x"))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("256");
        assertThatThrownBy(() -> kinesis.putRecords(b -> b.streamName(name).records(
                PutRecordsRequestEntry.builder().partitionKey("ok").data(text("x")).build(),
                PutRecordsRequestEntry.builder().partitionKey("").data(text("y")).build())))
                .isInstanceOf(ValidationException.class).hasMessageContaining("records.2.member.partitionKey");
        assertThat(drain(iterator(name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON), 2)).isEmpty();
    }

    @Test
    void anExplicitHashKeyOutsideTheKeySpaceIsInvalidArgument() {
        String name = stream(1);
        String tooBig = BigInteger.ONE.shiftLeft(128).toString();
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName(name).partitionKey("p").explicitHashKey(tooBig)
                .data(text("x")))).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("ExplicitHashKey");
        assertThatThrownBy(() -> kinesis.putRecord(b -> b.streamName(name).partitionKey("p").explicitHashKey("-1")
                .data(text("x")))).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void putRecordsRefusesMoreThanFiveHundredEntries() {
        String name = stream(1);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("p").data(text("x")).build());
        }
        assertThatThrownBy(() -> kinesis.putRecords(b -> b.streamName(name).records(entries)))
                .isInstanceOf(ValidationException.class).hasMessageContaining("500");
    }

    @Test
    void aSequenceNumberOfAnotherShardIsInvalidArgument() {
        String name = stream(2);
        String seq = kinesis.putRecord(b -> b.streamName(name).partitionKey("p").explicitHashKey("0").data(text("x")))
                .sequenceNumber();
        assertThatThrownBy(() -> kinesis.getShardIterator(b -> b.streamName(name).shardId("shardId-000000000001")
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(seq)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("shardId-000000000000");
        assertThatThrownBy(() -> kinesis.getShardIterator(b -> b.streamName(name).shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("StartingSequenceNumber");
    }
}
