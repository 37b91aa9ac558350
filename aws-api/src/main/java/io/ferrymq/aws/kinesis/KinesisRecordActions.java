package io.ferrymq.aws.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.wire.JsonErrors;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Streams;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.stream.AppendRequest;
import io.ferrymq.core.stream.AppendResult;
import io.ferrymq.core.stream.HashKeys;
import io.ferrymq.core.stream.ShardInfo;
import io.ferrymq.core.stream.StreamInfo;
import io.ferrymq.core.stream.StreamRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/** Kinesis' record actions: PutRecord(s), GetShardIterator and GetRecords on the core's shard logs. */
final class KinesisRecordActions {

    static final int MAX_RECORD_BYTES = 1024 * 1024;
    static final int MAX_PUT_RECORDS = 500;
    static final long MAX_PUT_RECORDS_BYTES = 5L * 1024 * 1024;
    static final int MAX_PARTITION_KEY = 256;
    static final int MAX_GET_RECORDS = 10_000;
    static final long MAX_GET_BYTES = 10L * 1024 * 1024;

    private final Streams streams;
    private final KinesisStreamActions streamActions;
    private final ShardThroughput throughput;
    private final LongSupplier clock;

    KinesisRecordActions(Streams streams, KinesisStreamActions streamActions, ShardThroughput throughput,
                         LongSupplier clock) {
        this.streams = streams;
        this.streamActions = streamActions;
        this.throughput = throughput;
        this.clock = clock;
    }

    CompletableFuture<JsonNode> putRecord(KinesisInput in, RequestContext ctx) {
        String name = in.streamName();
        AppendRequest record = record(in, "");
        String sequenceForOrdering = in.string("SequenceNumberForOrdering");
        if (sequenceForOrdering != null && KinesisSequenceNumbers.parse(sequenceForOrdering) == null) {
            throw KinesisErrors.invalidArgument("SequenceNumberForOrdering " + sequenceForOrdering
                    + " is not a sequence number of this stream");
        }
        String encryption = StreamEncryption.type(streamActions.info(ctx, name));
        String vhost = ctx.session().vhostName();
        return streams.append(ctx.session(), name, List.of(record),
                (shard, bytes) -> throughput.admitWrite(vhost, name, shard, bytes), ctx.executor()).thenApply(results -> {
                    AppendResult r = results.get(0);
                    if (r.refused()) {
                        throw rateExceeded(r.shard(), name, ctx);
                    }
                    return (JsonNode) KinesisShapes.object().put("ShardId", ShardIds.of(r.shard()))
                            .put("SequenceNumber", KinesisSequenceNumbers.of(r.shard(), r.offset()))
                            .put("EncryptionType", encryption);
                });
    }

    CompletableFuture<JsonNode> putRecords(KinesisInput in, RequestContext ctx) {
        String name = in.streamName();
        if (!in.has("Records")) {
            throw JsonErrors.missing("records");
        }
        List<KinesisInput> entries = in.list("Records");
        if (entries.isEmpty()) {
            throw JsonErrors.validation("[]", "records", "must have length greater than or equal to 1");
        }
        if (entries.size() > MAX_PUT_RECORDS) {
            throw JsonErrors.validation("a list of " + entries.size() + " records", "records",
                    "must have length less than or equal to " + MAX_PUT_RECORDS);
        }
        List<AppendRequest> records = new ArrayList<>(entries.size());
        long total = 0;
        for (int i = 0; i < entries.size(); i++) {
            AppendRequest r = record(entries.get(i), "records." + (i + 1) + ".member.");
            total += r.data().length + r.partitionKey().length();
            records.add(r);
        }
        if (total > MAX_PUT_RECORDS_BYTES) {
            throw KinesisErrors.invalidArgument("Records size exceeds 5 MB limit");
        }
        String encryption = StreamEncryption.type(streamActions.info(ctx, name));
        String vhost = ctx.session().vhostName();
        return streams.append(ctx.session(), name, records,
                (shard, bytes) -> throughput.admitWrite(vhost, name, shard, bytes), ctx.executor()).thenApply(results -> {
                    ObjectNode out = KinesisShapes.object();
                    ArrayNode list = JsonNodeFactory.instance.arrayNode();
                    int failed = 0;
                    for (AppendResult r : results) {
                        if (r.refused()) {
                            failed++;
                            list.addObject().put("ErrorCode", "ProvisionedThroughputExceededException")
                                    .put("ErrorMessage", "Rate exceeded for shard " + ShardIds.of(r.shard()) + " in stream "
                                            + name + " under account " + ctx.caller().accountId() + ".");
                        } else {
                            list.addObject().put("SequenceNumber", KinesisSequenceNumbers.of(r.shard(), r.offset()))
                                    .put("ShardId", ShardIds.of(r.shard()));
                        }
                    }
                    out.put("FailedRecordCount", failed);
                    out.set("Records", list);
                    out.put("EncryptionType", encryption);
                    return out;
                });
    }

    /** A record's fields, checked as AWS checks them (prefix: where the fields sit, for the error text). */
    private static AppendRequest record(KinesisInput in, String prefix) {
        byte[] data = in.blob("Data");
        if (data == null) {
            throw JsonErrors.missing(prefix + "data");
        }
        if (data.length > MAX_RECORD_BYTES) {
            throw JsonErrors.validation("a blob of " + data.length + " bytes", prefix + "data",
                    "must have length less than or equal to " + MAX_RECORD_BYTES);
        }
        String key = in.string("PartitionKey");
        if (key == null) {
            throw JsonErrors.missing(prefix + "partitionKey");
        }
        int length = key.codePointCount(0, key.length());
        if (length < 1 || length > MAX_PARTITION_KEY) {
            throw JsonErrors.validation("'" + (length > 40 ? key.substring(0, 40) + "..." : key) + "'",
                    prefix + "partitionKey", length < 1 ? "must have length greater than or equal to 1"
                            : "must have length less than or equal to " + MAX_PARTITION_KEY);
        }
        String hashKey = in.string("ExplicitHashKey");
        if (hashKey != null && (!HashKeys.valid(hashKey) || (hashKey.length() > 1 && hashKey.startsWith("0")))) {
            throw KinesisErrors.invalidArgument("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0,"
                    + " 2^128-1]. Specified value was " + hashKey);
        }
        return new AppendRequest(key, hashKey, data);
    }

    private static io.ferrymq.aws.wire.AwsError rateExceeded(int shard, String name, RequestContext ctx) {
        return KinesisErrors.throughputExceeded("Rate exceeded for shard " + ShardIds.of(shard) + " in stream " + name
                + " under account " + ctx.caller().accountId() + ".");
    }

    CompletableFuture<JsonNode> getShardIterator(KinesisInput in, RequestContext ctx) {
        String name = in.streamName();
        String shardId = in.required("ShardId", "shardId");
        String type = in.required("ShardIteratorType", "shardIteratorType");
        StreamInfo info = streamActions.info(ctx, name);
        int shard = ShardIds.parse(shardId);
        ShardInfo sh = shard < 0 ? null : info.shard(shard);
        if (sh == null) {
            throw KinesisErrors.resourceNotFound("Shard " + shardId + " in stream " + name + " under account "
                    + ctx.caller().accountId() + " does not exist");
        }
        long offset = startingOffset(in, "StartingSequenceNumber", ctx, name, shard, shardId, type);
        if (!sh.open()) {
            offset = Math.min(offset, sh.endOffset());
        }
        String iterator = ShardIterators.encode(new ShardIterators.Position(name, info.createdMillis(), shard, offset,
                clock.getAsLong()));
        return CompletableFuture.completedFuture(KinesisShapes.object().put("ShardIterator", iterator));
    }

    /**
     * Where a reader of {@code shard} starts for a Kinesis starting position ({@code type} with its sequence
     * number in {@code sequenceField} or its {@code Timestamp}): GetShardIterator's and SubscribeToShard's rules.
     */
    long startingOffset(KinesisInput in, String sequenceField, RequestContext ctx, String name, int shard,
                        String shardId, String type) {
        return switch (type) {
            case "TRIM_HORIZON" -> streams.firstOffset(ctx.session(), name, shard);
            case "LATEST" -> streams.endOffset(ctx.session(), name, shard);
            case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER" -> {
                String seq = in.string(sequenceField);
                if (seq == null) {
                    throw KinesisErrors.invalidArgument(sequenceField + " must be specified for"
                            + " ShardIteratorType " + type);
                }
                long[] parsed = KinesisSequenceNumbers.parse(seq);
                if (parsed == null) {
                    throw KinesisErrors.invalidArgument("Invalid " + sequenceField + ". It is not a sequence number"
                            + " of this stream: " + seq);
                }
                if (parsed[0] != shard) {
                    throw KinesisErrors.invalidArgument("Invalid " + sequenceField + ". It encodes "
                            + ShardIds.of((int) parsed[0]) + ", while it was used in a call to a shard with " + shardId);
                }
                yield Math.max(parsed[1] + (type.equals("AFTER_SEQUENCE_NUMBER") ? 1 : 0),
                        streams.firstOffset(ctx.session(), name, shard));
            }
            case "AT_TIMESTAMP" -> {
                Long at = in.timestamp("Timestamp");
                if (at == null) {
                    throw KinesisErrors.invalidArgument("Timestamp must be specified for ShardIteratorType AT_TIMESTAMP");
                }
                yield streams.offsetAt(ctx.session(), name, shard, at);
            }
            default -> throw JsonErrors.validation("'" + type + "'", "shardIteratorType",
                    "must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST,"
                            + " AT_TIMESTAMP]");
        };
    }

    CompletableFuture<JsonNode> getRecords(KinesisInput in, RequestContext ctx) {
        String text = in.required("ShardIterator", "shardIterator");
        int limit = KinesisStreamActions.limit(in, "Limit", "limit", MAX_GET_RECORDS, MAX_GET_RECORDS);
        ShardIterators.Position p = ShardIterators.decode(text);
        if (p == null) {
            throw KinesisErrors.invalidArgument("Invalid ShardIterator.");
        }
        long now = clock.getAsLong();
        if (now - p.issuedMillis() > ShardIterators.LIFETIME_MILLIS) {
            throw KinesisErrors.expiredIterator("Iterator expired. The iterator was created at time "
                    + Instant.ofEpochMilli(p.issuedMillis()) + " while right now it is " + Instant.ofEpochMilli(now)
                    + " which is further in the future than the tolerated delay of " + ShardIterators.LIFETIME_MILLIS
                    + " milliseconds.");
        }
        StreamInfo info = streamActions.info(ctx, p.stream());
        if (info.createdMillis() != p.streamCreated() || info.shard(p.shard()) == null) {
            throw KinesisErrors.resourceNotFound("Shard " + ShardIds.of(p.shard()) + " in stream " + p.stream()
                    + " under account " + ctx.caller().accountId() + " does not exist");
        }
        boolean encrypted = StreamEncryption.keyId(info) != null;
        String vhost = ctx.session().vhostName();
        if (!throughput.admitRead(vhost, p.stream(), p.shard())) {
            throw rateExceeded(p.shard(), p.stream(), ctx);
        }
        return streams.read(ctx.session(), p.stream(), p.shard(), p.offset(), limit, MAX_GET_BYTES, ctx.executor())
                .handle((read, t) -> {
                    if (t != null) {
                        BrokerException e = BrokerException.from(t);
                        if (e.code() == ErrorCode.NOT_FOUND) {
                            throw KinesisErrors.streamNotFound(p.stream(), ctx.caller().accountId());
                        }
                        throw e;
                    }
                    ObjectNode out = KinesisShapes.object();
                    ArrayNode records = out.putArray("Records");
                    long bytes = 0;
                    for (StreamRecord r : read.records()) {
                        ObjectNode o = records.addObject()
                                .put("SequenceNumber", KinesisSequenceNumbers.of(p.shard(), r.offset()));
                        o.putPOJO("ApproximateArrivalTimestamp", new WireTimestamp(r.arrivalMillis()));
                        o.put("Data", r.data()).put("PartitionKey", r.partitionKey());
                        if (encrypted) {
                            o.put("EncryptionType", "KMS");
                        }
                        bytes += r.data().length;
                    }
                    throughput.countRead(vhost, p.stream(), p.shard(), bytes);
                    out.put("MillisBehindLatest", read.millisBehind());
                    if (read.shardEnded()) {
                        ArrayNode children = out.putArray("ChildShards");
                        StreamInfo current = streams.describe(ctx.session(), p.stream());
                        for (ShardInfo child : current.shards()) {
                            if (child.parent() == p.shard() || child.adjacentParent() == p.shard()) {
                                children.add(KinesisShapes.childShard(child));
                            }
                        }
                    } else {
                        out.put("NextShardIterator", ShardIterators.encode(new ShardIterators.Position(p.stream(),
                                p.streamCreated(), p.shard(), read.nextOffset(), clock.getAsLong())));
                    }
                    return (JsonNode) out;
                });
    }
}
