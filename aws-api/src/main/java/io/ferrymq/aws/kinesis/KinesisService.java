package io.ferrymq.aws.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.AwsService;
import io.ferrymq.aws.wire.JsonErrors;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Broker;


import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Amazon Kinesis Data Streams on the core's streams, over AWS JSON 1.1 and CBOR with
 * {@code X-Amz-Target: Kinesis_20131202.<Action>}.
 */
public final class KinesisService implements AwsService {


    /** The largest request body: PutRecords' 5 MiB of records, base64-encoded in JSON, and room to spare. */
    public static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

    /** Every action this service answers. */
    public static final Set<String> ACTIONS = Set.of("CreateStream", "DeleteStream", "DescribeStream",
            "DescribeStreamSummary", "ListStreams", "ListShards", "PutRecord", "PutRecords", "GetShardIterator",
            "GetRecords", "AddTagsToStream", "RemoveTagsFromStream", "ListTagsForStream", "ListTagsForResource",
            "TagResource", "UntagResource", "IncreaseStreamRetentionPeriod", "DecreaseStreamRetentionPeriod",
            "SplitShard", "MergeShards", "UpdateShardCount", "UpdateStreamMode", "DescribeLimits",
            "RegisterStreamConsumer", "DeregisterStreamConsumer", "DescribeStreamConsumer", "ListStreamConsumers",
            "SubscribeToShard", "StartStreamEncryption", "StopStreamEncryption");

    private final KinesisStreamActions streamActions;
    private final KinesisRecordActions recordActions;
    private final StreamConsumers consumers;
    private final StreamEncryption encryption;
    private final ShardSubscriptions subscriptions;

    public KinesisService(Broker broker, AwsApiSettings settings) {
        ShardThroughput throughput = new ShardThroughput(settings.kinesisThroughputLimits(), broker::currentTimeMillis);
        this.streamActions = new KinesisStreamActions(broker.streams(), throughput, broker::currentTimeMillis);
        this.recordActions = new KinesisRecordActions(broker.streams(), streamActions, throughput,
                broker::currentTimeMillis);
        this.consumers = new StreamConsumers(broker.streams(), streamActions, broker::currentTimeMillis);
        streamActions.countConsumersWith(consumers::count);
        this.encryption = new StreamEncryption(broker.streams(), streamActions);
        this.subscriptions = new ShardSubscriptions(broker.streams(), streamActions, recordActions, consumers,
                broker::currentTimeMillis);
    }

    @Override
    public EventStreamAction eventStreamAction(String action) {
        if (!action.equals("SubscribeToShard")) {
            return null;
        }
        return subscriptions::subscribe;
    }

    @Override
    public String signingName() {
        return "kinesis";
    }

    @Override
    public String apiVersion() {
        return "2013-12-02";
    }

    @Override
    public String xmlNamespace() {
        return "http://kinesis.amazonaws.com/doc/2013-12-02";
    }

    @Override
    public boolean hasAction(String action) {
        return ACTIONS.contains(action);
    }

    @Override
    public String jsonTargetPrefix() {
        return "Kinesis_20131202";
    }

    @Override
    public String jsonContentType() {
        return "application/x-amz-json-1.1";
    }

    @Override
    public boolean bareErrorTypes() {
        return true;
    }

    @Override
    public CompletableFuture<JsonNode> handle(String action, JsonNode json, RequestContext ctx) {
        return dispatch(action, new KinesisInput(json, ctx), ctx);
    }

    private CompletableFuture<JsonNode> dispatch(String action, KinesisInput in, RequestContext ctx) {
        return switch (action) {
            case "CreateStream" -> streamActions.createStream(in, ctx);
            case "DeleteStream" -> streamActions.deleteStream(in, ctx);
            case "DescribeStream" -> streamActions.describeStream(in, ctx);
            case "DescribeStreamSummary" -> streamActions.describeStreamSummary(in, ctx);
            case "ListStreams" -> streamActions.listStreams(in, ctx);
            case "ListShards" -> streamActions.listShards(in, ctx);
            case "AddTagsToStream" -> streamActions.addTags(in.streamName(), in.stringMap("Tags"), ctx);
            case "RemoveTagsFromStream" -> streamActions.removeTags(in.streamName(), in.strings("TagKeys"), ctx);
            case "ListTagsForStream" -> streamActions.listTagsForStream(in, ctx);
            case "TagResource" -> streamActions.addTags(streamActions.streamOfResource(in), in.stringMap("Tags"), ctx);
            case "UntagResource" -> streamActions.removeTags(streamActions.streamOfResource(in), in.strings("TagKeys"),
                    ctx);
            case "ListTagsForResource" -> streamActions.listTagsForResource(in, ctx);
            case "IncreaseStreamRetentionPeriod" -> streamActions.changeRetention(in, ctx, true);
            case "DecreaseStreamRetentionPeriod" -> streamActions.changeRetention(in, ctx, false);
            case "SplitShard" -> streamActions.splitShard(in, ctx);
            case "MergeShards" -> streamActions.mergeShards(in, ctx);
            case "UpdateShardCount" -> streamActions.updateShardCount(in, ctx);
            case "UpdateStreamMode" -> streamActions.updateStreamMode(in, ctx);
            case "DescribeLimits" -> streamActions.describeLimits(ctx);
            case "RegisterStreamConsumer" -> consumers.register(in, ctx);
            case "DeregisterStreamConsumer" -> consumers.deregister(in, ctx);
            case "DescribeStreamConsumer" -> consumers.describe(in, ctx);
            case "ListStreamConsumers" -> consumers.list(in, ctx);
            case "StartStreamEncryption" -> encryption.start(in, ctx);
            case "StopStreamEncryption" -> encryption.stop(in, ctx);
            case "PutRecord" -> recordActions.putRecord(in, ctx);
            case "PutRecords" -> recordActions.putRecords(in, ctx);
            case "GetShardIterator" -> recordActions.getShardIterator(in, ctx);
            case "GetRecords" -> recordActions.getRecords(in, ctx);
            default -> throw JsonErrors.unknownOperation(action);
        };
    }

    @Override
    public AwsError translate(Throwable t) {
        return JsonErrors.translate(t, KinesisErrors.UNAVAILABLE);
    }
}
