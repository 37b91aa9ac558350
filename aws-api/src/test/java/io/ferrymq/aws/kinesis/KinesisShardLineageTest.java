package io.ferrymq.aws.kinesis;

import io.ferrymq.aws.AwsTestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SplitShard and MergeShards, and a reader that follows the lineage: parents to their end, then children. */
class KinesisShardLineageTest {

    private static final BigInteger HALF = BigInteger.ONE.shiftLeft(127);

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

    private static void put(String stream, String hashKey, String data) {
        kinesis.putRecord(b -> b.streamName(stream).partitionKey("p").explicitHashKey(hashKey)
                .data(SdkBytes.fromUtf8String(data)));
    }

    /** Reads one shard from its trim horizon to its end; returns its records and the children it names. */
    private static List<Record> readToEnd(String stream, String shard, List<ChildShard> children) {
        String it = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        List<Record> out = new ArrayList<>();
        for (int i = 0; i < 20 && it != null; i++) {
            String current = it;
            GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(current).limit(2));
            out.addAll(r.records());
            if (r.nextShardIterator() == null) {
                children.addAll(r.childShards());
            }
            if (r.records().isEmpty() && r.nextShardIterator() != null) {
                break;
            }
            it = r.nextShardIterator();
        }
        return out;
    }

    @Test
    void aSplitClosesTheParentAfterItsRecordsAndRoutesNewRecordsToTheChildren() {
        String name = AwsTestBroker.unique("split");
        kinesis.createStream(b -> b.streamName(name).shardCount(1));
        put(name, "1", "p1");
        put(name, HALF.toString(), "p2");

        kinesis.splitShard(b -> b.streamName(name).shardToSplit("shardId-000000000000")
                .newStartingHashKey(HALF.toString()));
        put(name, "1", "low");
        put(name, HALF.add(BigInteger.ONE).toString(), "high");

        List<Shard> shards = kinesis.listShards(b -> b.streamName(name)).shards();
        assertThat(shards).extracting(Shard::shardId)
                .containsExactly("shardId-000000000000", "shardId-000000000001", "shardId-000000000002");
        Shard parent = shards.get(0);
        assertThat(parent.sequenceNumberRange().endingSequenceNumber()).isNotNull();
        assertThat(shards.get(1).parentShardId()).isEqualTo(parent.shardId());
        assertThat(shards.get(1).hashKeyRange().endingHashKey()).isEqualTo(HALF.subtract(BigInteger.ONE).toString());
        assertThat(shards.get(2).hashKeyRange().startingHashKey()).isEqualTo(HALF.toString());
        assertThat(kinesis.listShards(b -> b.streamName(name).shardFilter(f -> f.type(ShardFilterType.AT_LATEST))).shards())
                .extracting(Shard::shardId).containsExactly("shardId-000000000001", "shardId-000000000002");

        List<ChildShard> children = new ArrayList<>();
        List<Record> fromParent = readToEnd(name, parent.shardId(), children);
        assertThat(fromParent).extracting(r -> r.data().asUtf8String()).containsExactly("p1", "p2");
        assertThat(children).extracting(ChildShard::shardId)
                .containsExactlyInAnyOrder("shardId-000000000001", "shardId-000000000002");
        assertThat(children).allSatisfy(c -> assertThat(c.parentShards()).containsExactly(parent.shardId()));

        Map<String, List<String>> fromChildren = new LinkedHashMap<>();
        for (ChildShard c : children) {
            List<Record> read = readToEnd(name, c.shardId(), new ArrayList<>());
            fromChildren.put(c.shardId(), read.stream().map(r -> r.data().asUtf8String()).toList());
            // A child's sequence numbers come after every one of its parent's.
            read.forEach(r -> assertThat(new BigInteger(r.sequenceNumber()))
                    .isGreaterThan(new BigInteger(fromParent.get(1).sequenceNumber())));
        }
        assertThat(fromChildren).containsEntry("shardId-000000000001", List.of("low"))
                .containsEntry("shardId-000000000002", List.of("high"));

        assertThatThrownBy(() -> kinesis.splitShard(b -> b.streamName(name).shardToSplit("shardId-000000000000")
                .newStartingHashKey(HALF.toString()))).isInstanceOf(ResourceInUseException.class);
        assertThatThrownBy(() -> kinesis.splitShard(b -> b.streamName(name).shardToSplit("shardId-000000000001")
                .newStartingHashKey("0"))).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void aMergeClosesBothParentsAndTheChildTakesTheirWholeRange() {
        String name = AwsTestBroker.unique("merge");
        kinesis.createStream(b -> b.streamName(name).shardCount(3));
        put(name, "0", "a");
        put(name, HALF.toString(), "b");
        assertThatThrownBy(() -> kinesis.mergeShards(b -> b.streamName(name).shardToMerge("shardId-000000000000")
                .adjacentShardToMerge("shardId-000000000002"))).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("not adjacent");

        kinesis.mergeShards(b -> b.streamName(name).shardToMerge("shardId-000000000000")
                .adjacentShardToMerge("shardId-000000000001"));
        put(name, "0", "c");

        List<Shard> shards = kinesis.describeStream(b -> b.streamName(name)).streamDescription().shards();
        Shard child = shards.stream().filter(s -> s.shardId().equals("shardId-000000000003")).findFirst().orElseThrow();
        assertThat(child.parentShardId()).isEqualTo("shardId-000000000000");
        assertThat(child.adjacentParentShardId()).isEqualTo("shardId-000000000001");
        assertThat(child.hashKeyRange().startingHashKey()).isEqualTo("0");
        assertThat(child.hashKeyRange().endingHashKey()).isEqualTo(shards.get(1).hashKeyRange().endingHashKey());
        assertThat(kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().openShardCount())
                .isEqualTo(2);

        List<ChildShard> next = new ArrayList<>();
        assertThat(readToEnd(name, "shardId-000000000000", next)).extracting(r -> r.data().asUtf8String())
                .containsExactly("a");
        assertThat(next).extracting(ChildShard::shardId).containsExactly("shardId-000000000003");
        assertThat(next.get(0).parentShards()).containsExactly("shardId-000000000000", "shardId-000000000001");
        assertThat(readToEnd(name, "shardId-000000000001", new ArrayList<>())).extracting(r -> r.data().asUtf8String())
                .containsExactly("b");
        assertThat(readToEnd(name, "shardId-000000000003", new ArrayList<>())).extracting(r -> r.data().asUtf8String())
                .containsExactly("c");
    }

    @Test
    void updateShardCountScalesUpAndDownAndReadersFollowTheLineage() {
        String name = AwsTestBroker.unique("scaled");
        kinesis.createStream(b -> b.streamName(name).shardCount(2));
        put(name, "0", "before");
        var up = kinesis.updateShardCount(b -> b.streamName(name).targetShardCount(4)
                .scalingType(software.amazon.awssdk.services.kinesis.model.ScalingType.UNIFORM_SCALING));
        assertThat(up.currentShardCount()).isEqualTo(2);
        assertThat(up.targetShardCount()).isEqualTo(4);
        List<Shard> open = kinesis.listShards(b -> b.streamName(name).shardFilter(f -> f.type(ShardFilterType.AT_LATEST)))
                .shards();
        assertThat(open).hasSize(4);
        // The open shards still cover the whole hash-key space, without gaps.
        List<Shard> sorted = new ArrayList<>(open);
        sorted.sort(java.util.Comparator.comparing(s -> new BigInteger(s.hashKeyRange().startingHashKey())));
        assertThat(sorted.get(0).hashKeyRange().startingHashKey()).isEqualTo("0");
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(new BigInteger(sorted.get(i).hashKeyRange().startingHashKey()))
                    .isEqualTo(new BigInteger(sorted.get(i - 1).hashKeyRange().endingHashKey()).add(BigInteger.ONE));
        }
        put(name, "0", "after");
        List<ChildShard> children = new ArrayList<>();
        assertThat(readToEnd(name, "shardId-000000000000", children)).extracting(r -> r.data().asUtf8String())
                .containsExactly("before");
        assertThat(children).isNotEmpty();

        kinesis.updateShardCount(b -> b.streamName(name).targetShardCount(2)
                .scalingType(software.amazon.awssdk.services.kinesis.model.ScalingType.UNIFORM_SCALING));
        assertThat(kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().openShardCount())
                .isEqualTo(2);
        assertThatThrownBy(() -> kinesis.updateShardCount(b -> b.streamName(name).targetShardCount(5)
                .scalingType(software.amazon.awssdk.services.kinesis.model.ScalingType.UNIFORM_SCALING)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("double");
    }
}
