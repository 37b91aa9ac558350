package io.ferrymq.aws.kinesis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.Arn;
import io.ferrymq.aws.auth.Caller;
import io.ferrymq.core.stream.ShardInfo;
import io.ferrymq.core.stream.StreamInfo;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** How streams and shards look in Kinesis' answers. */
final class KinesisShapes {

    private KinesisShapes() {
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    static String arn(Caller caller, String stream) {
        return Arn.of("kinesis", caller.region(), caller.accountId(), "stream/" + stream).toString();
    }

    static int retentionHours(StreamInfo s) {
        return (int) TimeUnit.MILLISECONDS.toHours(s.retentionMillis());
    }

    static ObjectNode shard(ShardInfo s) {
        ObjectNode n = object().put("ShardId", ShardIds.of(s.index()));
        if (s.parent() >= 0) {
            n.put("ParentShardId", ShardIds.of(s.parent()));
        }
        if (s.adjacentParent() >= 0) {
            n.put("AdjacentParentShardId", ShardIds.of(s.adjacentParent()));
        }
        n.putObject("HashKeyRange").put("StartingHashKey", s.hashStart().toString())
                .put("EndingHashKey", s.hashEnd().toString());
        ObjectNode range = n.putObject("SequenceNumberRange")
                .put("StartingSequenceNumber", KinesisSequenceNumbers.of(s.index(), 0));
        if (!s.open()) {
            range.put("EndingSequenceNumber", KinesisSequenceNumbers.of(s.index(), Math.max(s.endOffset(), 1) - 1));
        }
        return n;
    }

    static ObjectNode childShard(ShardInfo s) {
        ObjectNode n = object().put("ShardId", ShardIds.of(s.index()));
        ArrayNode parents = n.putArray("ParentShards");
        if (s.parent() >= 0) {
            parents.add(ShardIds.of(s.parent()));
        }
        if (s.adjacentParent() >= 0) {
            parents.add(ShardIds.of(s.adjacentParent()));
        }
        n.putObject("HashKeyRange").put("StartingHashKey", s.hashStart().toString())
                .put("EndingHashKey", s.hashEnd().toString());
        return n;
    }

    /** The fields DescribeStream and DescribeStreamSummary share. */
    static ObjectNode description(StreamInfo s, Caller caller) {
        ObjectNode d = object().put("StreamName", s.name()).put("StreamARN", arn(caller, s.name()))
                .put("StreamStatus", s.status().name());
        d.putObject("StreamModeDetails").put("StreamMode", s.mode().name());
        d.put("RetentionPeriodHours", retentionHours(s));
        d.putPOJO("StreamCreationTimestamp", new WireTimestamp(s.createdMillis()));
        d.putArray("EnhancedMonitoring").addObject().putArray("ShardLevelMetrics");
        StreamEncryption.describe(d, s);
        return d;
    }

    static ArrayNode shards(List<ShardInfo> shards) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        shards.forEach(s -> a.add(shard(s)));
        return a;
    }
}
