package io.ferrymq.aws.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.Arn;
import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.JsonErrors;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Streams;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.stream.HashKeys;
import io.ferrymq.core.stream.ShardInfo;
import io.ferrymq.core.stream.StreamInfo;
import io.ferrymq.core.stream.StreamMode;
import io.ferrymq.core.stream.StreamSpec;
import io.ferrymq.core.stream.StreamStatus;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/** Kinesis' stream management actions on the core's streams. */
final class KinesisStreamActions {

    static final int DEFAULT_RETENTION_HOURS = 24;
    static final int MAX_RETENTION_HOURS = 8760;
    /** The shards an on-demand stream starts with, as in AWS. */
    static final int ON_DEMAND_SHARDS = 4;
    /** Open shards per account (vhost), AWS's default quota in most regions. */
    static final int SHARD_LIMIT = 500;
    static final int ON_DEMAND_STREAM_LIMIT = 50;
    static final int MAX_TAGS = 50;

    private final Streams streams;
    private final ShardThroughput throughput;
    /** How many enhanced fan-out consumers a stream has (DescribeStreamSummary's ConsumerCount). */
    private ToIntFunction<StreamInfo> consumerCount = s -> 0;
    /** Streams whose shards or settings are being changed now (vhost, newline, name): they are UPDATING. */
    private final Set<String> updating = ConcurrentHashMap.newKeySet();
    /**
     * How long a stream shows CREATING after CreateStream, and DELETING after DeleteStream, on the broker clock.
     * Clients written for AWS wait for ACTIVE (the SDK waiters, {@code aws kinesis wait stream-exists}) and for
     * the stream to be gone, so both states are shown; FerryMQ takes records while a stream is CREATING.
     */
    static final long TRANSITION_MILLIS = 500;
    /** Streams deleted less than {@link #TRANSITION_MILLIS} ago, as they were, by vhost, newline, name. */
    private final Map<String, Deleted> deleting = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    private record Deleted(StreamInfo info, long at) {
    }

    KinesisStreamActions(Streams streams, ShardThroughput throughput, LongSupplier clock) {
        this.streams = streams;
        this.throughput = throughput;
        this.clock = clock;
    }

    /** The stream as DescribeStream, DescribeStreamSummary and ListStreams show it: CREATING and DELETING too. */
    private StreamInfo described(RequestContext ctx, String name) {
        long now = clock.getAsLong();
        StreamInfo s;
        try {
            s = info(ctx, name);
        } catch (AwsError notFound) {
            Deleted d = deleting.get(ctx.session().vhostName() + "\n" + name);
            if (d == null || now - d.at() >= TRANSITION_MILLIS) {
                throw notFound;
            }
            return as(d.info(), StreamStatus.DELETING);
        }
        return shown(s, now);
    }

    private static StreamInfo shown(StreamInfo s, long now) {
        return s.status() == StreamStatus.ACTIVE && now - s.createdMillis() < TRANSITION_MILLIS
                ? as(s, StreamStatus.CREATING) : s;
    }

    private static StreamInfo as(StreamInfo s, StreamStatus status) {
        return new StreamInfo(s.vhost(), s.name(), status, s.mode(), s.retentionMillis(), s.retentionBytes(),
                s.createdMillis(), s.shards(), s.tags(), s.nextShard());
    }

    void countConsumersWith(ToIntFunction<StreamInfo> counter) {
        this.consumerCount = counter;
    }

    /** The stream's definition, or Kinesis' ResourceNotFoundException in its own wording. */
    StreamInfo info(RequestContext ctx, String name) {
        try {
            StreamInfo s = streams.describe(ctx.session(), name);
            if (s.status() == StreamStatus.ACTIVE && updating.contains(s.vhost() + "\n" + s.name())) {
                return as(s, StreamStatus.UPDATING);
            }
            return s;
        } catch (BrokerException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw KinesisErrors.streamNotFound(name, ctx.caller().accountId());
            }
            throw e;
        }
    }

    /**
     * Runs a change of the stream's shards or encryption: the stream is UPDATING until it is done, and a second
     * change meanwhile is refused as AWS refuses it.
     */
    <T> CompletableFuture<T> updating(RequestContext ctx, StreamInfo s, Supplier<CompletableFuture<T>> change) {
        String key = s.vhost() + "\n" + s.name();
        if (s.status() != StreamStatus.ACTIVE || !updating.add(key)) {
            throw KinesisErrors.resourceInUse("Stream " + s.name() + " under account " + ctx.caller().accountId()
                    + " not ACTIVE, instead in state " + (s.status() == StreamStatus.ACTIVE ? StreamStatus.UPDATING
                    : s.status()));
        }
        CompletableFuture<T> f;
        try {
            f = change.get();
        } catch (RuntimeException e) {
            updating.remove(key);
            throw e;
        }
        return f.whenComplete((v, t) -> updating.remove(key));
    }

    CompletableFuture<JsonNode> createStream(KinesisInput in, RequestContext ctx) {
        String name = in.streamName();
        StreamMode mode = mode(in);
        Integer count = in.integer("ShardCount");
        if (count == null) {
            if (mode == StreamMode.PROVISIONED) {
                throw KinesisErrors.invalidArgument("ShardCount is required for a stream in PROVISIONED mode");
            }
            count = ON_DEMAND_SHARDS;
        } else if (count < 1) {
            throw JsonErrors.validation(count.toString(), "shardCount", "must have value greater than or equal to 1");
        }
        int open = openShards(ctx);
        if (open + count > SHARD_LIMIT) {
            throw KinesisErrors.limitExceeded("This request would exceed the shard limit for the account "
                    + ctx.caller().accountId() + " in " + ctx.caller().region() + ". Current shard count for the account: "
                    + open + ". Limit: " + SHARD_LIMIT + ". Number of additional shards that would have resulted from"
                    + " this request: " + count + ".");
        }
        Map<String, String> tags = in.stringMap("Tags");
        checkTags(tags, 0);
        StreamSpec spec = new StreamSpec(name, count, mode, TimeUnit.HOURS.toMillis(DEFAULT_RETENTION_HOURS), 0, tags);
        return streams.create(ctx.session(), spec, ctx.executor()).handle((info, t) -> {
            if (t != null) {
                BrokerException e = BrokerException.from(t);
                if (e.code() == ErrorCode.PRECONDITION_FAILED) {
                    throw KinesisErrors.resourceInUse("Stream " + name + " under account " + ctx.caller().accountId()
                            + " already exists.");
                }
                throw e;
            }
            return KinesisShapes.object();
        });
    }

    private static StreamMode mode(KinesisInput in) {
        JsonNode details = in.node().get("StreamModeDetails");
        if (details == null || details.isNull()) {
            return StreamMode.PROVISIONED;
        }
        String m = in.child(details).string("StreamMode");
        if ("ON_DEMAND".equals(m)) {
            return StreamMode.ON_DEMAND;
        }
        if ("PROVISIONED".equals(m)) {
            return StreamMode.PROVISIONED;
        }
        throw JsonErrors.validation("'" + m + "'", "streamModeDetails.streamMode",
                "must satisfy enum value set: [ON_DEMAND, PROVISIONED]");
    }

    private int openShards(RequestContext ctx) {
        return streams.list(ctx.session()).stream().mapToInt(s -> s.openShards().size()).sum();
    }

    CompletableFuture<JsonNode> deleteStream(KinesisInput in, RequestContext ctx) {
        String name = in.streamName();
        StreamInfo was = info(ctx, name);
        String vhost = ctx.session().vhostName();
        return streams.delete(ctx.session(), name, ctx.executor()).thenApply(v -> {
            long now = clock.getAsLong();
            deleting.values().removeIf(d -> now - d.at() >= TRANSITION_MILLIS);
            deleting.put(vhost + "\n" + name, new Deleted(was, now));
            throughput.forget(vhost, name);
            return KinesisShapes.object();
        });
    }

    CompletableFuture<JsonNode> describeStream(KinesisInput in, RequestContext ctx) {
        String name = in.streamName();
        int limit = limit(in, "Limit", "limit", 100, 10_000);
        StreamInfo s = described(ctx, name);
        int after = afterShard(in.string("ExclusiveStartShardId"));
        List<ShardInfo> shards = s.shards().stream().filter(sh -> sh.index() > after).toList();
        ObjectNode d = KinesisShapes.description(s, ctx.caller());
        d.set("Shards", KinesisShapes.shards(shards.subList(0, Math.min(limit, shards.size()))));
        d.put("HasMoreShards", shards.size() > limit);
        ObjectNode out = KinesisShapes.object();
        out.set("StreamDescription", d);
        return CompletableFuture.completedFuture(out);
    }

    CompletableFuture<JsonNode> describeStreamSummary(KinesisInput in, RequestContext ctx) {
        StreamInfo s = described(ctx, in.streamName());
        ObjectNode d = KinesisShapes.description(s, ctx.caller());
        d.put("OpenShardCount", s.openShards().size()).put("ConsumerCount", consumerCount.applyAsInt(s));
        ObjectNode out = KinesisShapes.object();
        out.set("StreamDescriptionSummary", d);
        return CompletableFuture.completedFuture(out);
    }

    CompletableFuture<JsonNode> listStreams(KinesisInput in, RequestContext ctx) {
        int limit = limit(in, "Limit", "limit", 100, 10_000);
        String after = in.string("ExclusiveStartStreamName");
        String token = in.string("NextToken");
        if (token != null) {
            after = decodeToken(token, "NextToken");
        }
        String from = after;
        // Core streams Kinesis cannot name (a Firehose delivery stream's own log, firehose:NAME) are not listed.
        List<StreamInfo> all = streams.list(ctx.session()).stream().filter(s -> KinesisInput.validStreamName(s.name()))
                .filter(s -> from == null || s.name().compareTo(from) > 0).toList();
        List<StreamInfo> page = all.subList(0, Math.min(limit, all.size()));
        long now = clock.getAsLong();
        ObjectNode out = KinesisShapes.object();
        ArrayNode names = out.putArray("StreamNames");
        ArrayNode summaries = out.putArray("StreamSummaries");
        for (StreamInfo s : page) {
            names.add(s.name());
            ObjectNode sum = summaries.addObject().put("StreamName", s.name())
                    .put("StreamARN", KinesisShapes.arn(ctx.caller(), s.name()))
                    .put("StreamStatus", shown(s, now).status().name());
            sum.putObject("StreamModeDetails").put("StreamMode", s.mode().name());
            sum.putPOJO("StreamCreationTimestamp", new WireTimestamp(s.createdMillis()));
        }
        boolean more = all.size() > limit;
        out.put("HasMoreStreams", more);
        if (more) {
            out.put("NextToken", encodeToken(page.get(page.size() - 1).name()));
        }
        return CompletableFuture.completedFuture(out);
    }

    CompletableFuture<JsonNode> listShards(KinesisInput in, RequestContext ctx) {
        String token = in.string("NextToken");
        String name;
        int after;
        if (token != null) {
            if (in.has("StreamName") || in.has("StreamARN") || in.has("ExclusiveStartShardId")) {
                throw KinesisErrors.invalidArgument("NextToken and StreamName cannot be provided together.");
            }
            if (in.has("StreamCreationTimestamp")) {
                throw KinesisErrors.invalidArgument("NextToken and StreamCreationTimestamp cannot be provided"
                        + " together.");
            }
            String[] parts = decodeToken(token, "NextToken").split("\n", 2);
            if (parts.length != 2) {
                throw KinesisErrors.invalidArgument("Invalid NextToken.");
            }
            name = parts[0];
            after = afterShard(parts[1]);
        } else {
            name = in.streamName();
            after = afterShard(in.string("ExclusiveStartShardId"));
        }
        int max = limit(in, "MaxResults", "maxResults", 1000, 10_000);
        StreamInfo s = info(ctx, name);
        Long created = in.timestamp("StreamCreationTimestamp");
        // The timestamp tells a stream from an earlier one of the same name: the wire carries milliseconds or
        // seconds, so it matches to the second.
        if (created != null && created / 1000 != s.createdMillis() / 1000) {
            throw KinesisErrors.resourceNotFound("Stream " + name + " under account " + ctx.caller().accountId()
                    + " created at " + java.time.Instant.ofEpochMilli(created) + " not found.");
        }
        List<ShardInfo> shards = filter(in, ctx, s).stream().filter(sh -> sh.index() > after).toList();
        List<ShardInfo> page = shards.subList(0, Math.min(max, shards.size()));
        ObjectNode out = KinesisShapes.object();
        out.set("Shards", KinesisShapes.shards(page));
        if (shards.size() > max) {
            out.put("NextToken", encodeToken(name + "\n" + ShardIds.of(page.get(page.size() - 1).index())));
        }
        return CompletableFuture.completedFuture(out);
    }

    /** ListShards' ShardFilter: which shards a reader starting there needs. */
    private List<ShardInfo> filter(KinesisInput in, RequestContext ctx, StreamInfo s) {
        JsonNode f = in.node().get("ShardFilter");
        if (f == null || f.isNull()) {
            return s.shards();
        }
        KinesisInput filter = in.child(f);
        String type = filter.string("Type");
        if (type == null) {
            throw JsonErrors.missing("shardFilter.type");
        }
        return switch (type) {
            case "AT_LATEST" -> s.openShards();
            case "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON" -> s.shards();
            case "AFTER_SHARD_ID" -> {
                int id = ShardIds.parse(filter.string("ShardId"));
                if (id < 0) {
                    throw KinesisErrors.invalidArgument("ShardFilter of type AFTER_SHARD_ID needs a valid ShardId");
                }
                yield s.shards().stream().filter(sh -> sh.index() > id).toList();
            }
            case "AT_TIMESTAMP", "FROM_TIMESTAMP" -> {
                Long at = filter.timestamp("Timestamp");
                if (at == null) {
                    throw KinesisErrors.invalidArgument("ShardFilter of type " + type + " needs a Timestamp");
                }
                // A closed shard holds nothing at or after the timestamp when its end arrived before it.
                yield s.shards().stream().filter(sh -> sh.open() || streams.offsetAt(ctx.session(), s.name(),
                        sh.index(), at) < sh.endOffset()).toList();
            }
            default -> throw JsonErrors.validation("'" + type + "'", "shardFilter.type",
                    "must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST,"
                            + " AT_TIMESTAMP, FROM_TIMESTAMP]");
        };
    }

    CompletableFuture<JsonNode> changeRetention(KinesisInput in, RequestContext ctx, boolean increase) {
        String name = in.streamName();
        Integer hours = in.integer("RetentionPeriodHours");
        if (hours == null) {
            throw JsonErrors.missing("retentionPeriodHours");
        }
        if (hours < DEFAULT_RETENTION_HOURS || hours > MAX_RETENTION_HOURS) {
            throw KinesisErrors.invalidArgument("Minimum allowed retention period is " + DEFAULT_RETENTION_HOURS
                    + " hours. Maximum allowed retention period is " + MAX_RETENTION_HOURS + " hours. Requested"
                    + " retention period (" + hours + " hours) is out of range.");
        }
        StreamInfo s = info(ctx, name);
        int current = KinesisShapes.retentionHours(s);
        if (increase && hours < current) {
            throw KinesisErrors.invalidArgument("Requested retention period (" + hours + " hours) for stream " + name
                    + " can not be shorter than existing retention period (" + current + " hours). Use"
                    + " DecreaseRetentionPeriod API.");
        }
        if (!increase && hours > current) {
            throw KinesisErrors.invalidArgument("Requested retention period (" + hours + " hours) for stream " + name
                    + " can not be longer than existing retention period (" + current + " hours). Use"
                    + " IncreaseRetentionPeriod API.");
        }
        return streams.setRetention(ctx.session(), name, TimeUnit.HOURS.toMillis(hours), ctx.executor())
                .thenApply(i -> KinesisShapes.object());
    }

    CompletableFuture<JsonNode> addTags(String name, Map<String, String> tags, RequestContext ctx) {
        StreamInfo s = info(ctx, name);
        if (tags.isEmpty()) {
            throw KinesisErrors.invalidArgument("Tags must not be empty");
        }
        Map<String, String> existing = StreamEncryption.userTags(s);
        long added = tags.keySet().stream().filter(k -> !existing.containsKey(k)).count();
        checkTags(tags, (int) (existing.size() + added - tags.size()));
        return streams.retag(ctx.session(), name, tags, Set.of(), ctx.executor()).thenApply(i -> KinesisShapes.object());
    }

    CompletableFuture<JsonNode> removeTags(String name, List<String> keys, RequestContext ctx) {
        info(ctx, name);
        if (keys.isEmpty()) {
            throw KinesisErrors.invalidArgument("TagKeys must not be empty");
        }
        Set<String> remove = new java.util.HashSet<>(keys);
        // The reserved keys hold the stream's own settings (encryption): not the user's to remove.
        remove.removeIf(k -> k.startsWith(StreamEncryption.RESERVED_PREFIX));
        return streams.retag(ctx.session(), name, Map.of(), remove, ctx.executor())
                .thenApply(i -> KinesisShapes.object());
    }

    CompletableFuture<JsonNode> listTagsForStream(KinesisInput in, RequestContext ctx) {
        StreamInfo s = info(ctx, in.streamName());
        int limit = limit(in, "Limit", "limit", 50, 50);
        String after = in.string("ExclusiveStartTagKey");
        List<Map.Entry<String, String>> tags = new ArrayList<>(new TreeMap<>(StreamEncryption.userTags(s)).entrySet());
        tags.removeIf(e -> after != null && e.getKey().compareTo(after) <= 0);
        ObjectNode out = KinesisShapes.object();
        ArrayNode list = out.putArray("Tags");
        tags.stream().limit(limit).forEach(e -> list.addObject().put("Key", e.getKey()).put("Value", e.getValue()));
        out.put("HasMoreTags", tags.size() > limit);
        return CompletableFuture.completedFuture(out);
    }

    /** ListTagsForResource: the resource-tag API's view of a stream's tags. */
    CompletableFuture<JsonNode> listTagsForResource(KinesisInput in, RequestContext ctx) {
        StreamInfo s = info(ctx, streamOfResource(in));
        ObjectNode out = KinesisShapes.object();
        ArrayNode list = out.putArray("Tags");
        new TreeMap<>(StreamEncryption.userTags(s)).forEach((k, v) -> list.addObject().put("Key", k).put("Value", v));
        return CompletableFuture.completedFuture(out);
    }

    String streamOfResource(KinesisInput in) {
        String arn = in.required("ResourceARN", "resourceARN");
        Arn parsed = Arn.parse(arn);
        if (parsed == null || !"kinesis".equals(parsed.service()) || !parsed.resource().startsWith("stream/")
                || parsed.resource().contains("/consumer/")) {
            throw KinesisErrors.invalidArgument("ResourceARN " + arn + " is not the ARN of a Kinesis stream");
        }
        String name = parsed.resource().substring("stream/".length());
        KinesisInput.checkStreamName(name);
        return name;
    }

    private static void checkTags(Map<String, String> tags, int existing) {
        if (existing + tags.size() > MAX_TAGS) {
            throw KinesisErrors.invalidArgument("Failed to add tags: a stream can have at most " + MAX_TAGS + " tags");
        }
        for (Map.Entry<String, String> e : tags.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().length() > 128) {
                throw KinesisErrors.invalidArgument("Tag keys have 1 to 128 characters: '" + e.getKey() + "'");
            }
            if (e.getKey().toLowerCase(java.util.Locale.ROOT).startsWith(StreamEncryption.RESERVED_PREFIX)) {
                throw KinesisErrors.invalidArgument("Tag key '" + e.getKey() + "' starts with the reserved prefix"
                        + " 'aws:'");
            }
            if (e.getValue().length() > 256) {
                throw KinesisErrors.invalidArgument("Tag values have at most 256 characters (key '" + e.getKey() + "')");
            }
        }
    }

    CompletableFuture<JsonNode> splitShard(KinesisInput in, RequestContext ctx) {
        String name = in.streamName();
        int shard = shardArgument(in, "ShardToSplit", "shardToSplit");
        String key = in.required("NewStartingHashKey", "newStartingHashKey");
        if (!HashKeys.valid(key)) {
            throw KinesisErrors.invalidArgument("NewStartingHashKey " + key + " is not a decimal number from 0 to"
                    + " 2^128 - 1");
        }
        StreamInfo s = info(ctx, name);
        return updating(ctx, s, () -> streams.split(ctx.session(), name, shard, new BigInteger(key), ctx.executor()))
                .handle((i, t) -> shardChange(t, name, ctx));
    }

    CompletableFuture<JsonNode> mergeShards(KinesisInput in, RequestContext ctx) {
        String name = in.streamName();
        int shard = shardArgument(in, "ShardToMerge", "shardToMerge");
        int adjacent = shardArgument(in, "AdjacentShardToMerge", "adjacentShardToMerge");
        StreamInfo s = info(ctx, name);
        return updating(ctx, s, () -> streams.merge(ctx.session(), name, shard, adjacent, ctx.executor()))
                .handle((i, t) -> shardChange(t, name, ctx));
    }

    /** A split or merge that failed: an unknown shard is ResourceNotFound, a closed one ResourceInUse. */
    private static JsonNode shardChange(Throwable t, String name, RequestContext ctx) {
        if (t == null) {
            return KinesisShapes.object();
        }
        BrokerException e = BrokerException.from(t);
        if (e.code() == ErrorCode.NOT_FOUND) {
            throw KinesisErrors.resourceNotFound(e.getMessage() + " (stream " + name + " under account "
                    + ctx.caller().accountId() + ")");
        }
        if (e.code() == ErrorCode.ILLEGAL_STATE) {
            throw KinesisErrors.resourceInUse(e.getMessage());
        }
        throw e;
    }

    /** UpdateShardCount with UNIFORM_SCALING, within AWS's bounds: at most double, at least half the open shards. */
    CompletableFuture<JsonNode> updateShardCount(KinesisInput in, RequestContext ctx) {
        String name = in.streamName();
        Integer target = in.integer("TargetShardCount");
        if (target == null) {
            throw JsonErrors.missing("targetShardCount");
        }
        if (target < 1) {
            throw JsonErrors.validation(target.toString(), "targetShardCount",
                    "must have value greater than or equal to 1");
        }
        String scaling = in.required("ScalingType", "scalingType");
        if (!scaling.equals("UNIFORM_SCALING")) {
            throw JsonErrors.validation("'" + scaling + "'", "scalingType",
                    "must satisfy enum value set: [UNIFORM_SCALING]");
        }
        StreamInfo s = info(ctx, name);
        int current = s.openShards().size();
        if (target > current * 2 || target * 2 < current) {
            throw KinesisErrors.invalidArgument("UpdateShardCount cannot scale stream " + name + " from " + current
                    + " to " + target + " shards: the target must be between half and double the current open shard"
                    + " count");
        }
        int open = openShards(ctx);
        if (open - current + target > SHARD_LIMIT) {
            throw KinesisErrors.limitExceeded("This request would exceed the shard limit for the account "
                    + ctx.caller().accountId() + " in " + ctx.caller().region() + ". Current shard count for the account: "
                    + open + ". Limit: " + SHARD_LIMIT + ".");
        }
        return updating(ctx, s, () -> streams.reshard(ctx.session(), name, target, ctx.executor()))
                .thenApply(i -> (JsonNode) KinesisShapes
                .object().put("StreamName", name).put("CurrentShardCount", current).put("TargetShardCount", target)
                .put("StreamARN", KinesisShapes.arn(ctx.caller(), name)));
    }

    CompletableFuture<JsonNode> updateStreamMode(KinesisInput in, RequestContext ctx) {
        in.required("StreamARN", "streamARN");
        String name = in.streamName();
        if (in.node().get("StreamModeDetails") == null) {
            throw JsonErrors.missing("streamModeDetails");
        }
        StreamMode mode = mode(in);
        info(ctx, name);
        return streams.setMode(ctx.session(), name, mode, ctx.executor()).thenApply(i -> KinesisShapes.object());
    }

    CompletableFuture<JsonNode> describeLimits(RequestContext ctx) {
        List<StreamInfo> all = streams.list(ctx.session());
        ObjectNode out = KinesisShapes.object().put("ShardLimit", SHARD_LIMIT)
                .put("OpenShardCount", all.stream().mapToInt(s -> s.openShards().size()).sum())
                .put("OnDemandStreamCount", all.stream().filter(s -> s.mode() == StreamMode.ON_DEMAND).count())
                .put("OnDemandStreamCountLimit", ON_DEMAND_STREAM_LIMIT);
        return CompletableFuture.completedFuture(out);
    }

    // ------------------------------------------------------------------ helpers

    static int shardArgument(KinesisInput in, String field, String wireName) {
        String id = in.required(field, wireName);
        int shard = ShardIds.parse(id);
        if (shard < 0) {
            throw JsonErrors.validation("'" + id + "'", wireName,
                    "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        }
        return shard;
    }

    private static int afterShard(String id) {
        if (id == null) {
            return -1;
        }
        int shard = ShardIds.parse(id);
        if (shard < 0) {
            throw KinesisErrors.invalidArgument("Invalid shard id " + id);
        }
        return shard;
    }

    static int limit(KinesisInput in, String field, String wireName, int fallback, int max) {
        Integer v = in.integer(field);
        if (v == null) {
            return fallback;
        }
        if (v < 1) {
            throw JsonErrors.validation(v.toString(), wireName, "must have value greater than or equal to 1");
        }
        if (v > max) {
            throw JsonErrors.validation(v.toString(), wireName, "must have value less than or equal to " + max);
        }
        return v;
    }

    private static String encodeToken(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToken(String token, String field) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw KinesisErrors.invalidArgument("Invalid " + field + ".");
        }
    }

}
