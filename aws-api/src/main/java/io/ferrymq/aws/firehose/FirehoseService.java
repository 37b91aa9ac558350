package io.ferrymq.aws.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.auth.ActionPermissions;
import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.AwsService;
import io.ferrymq.aws.wire.JsonErrors;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Broker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Amazon Data Firehose over AWS JSON 1.1 ({@code X-Amz-Target: Firehose_20150804.<Action>}): delivery streams
 * fed by PutRecord/PutRecordBatch or by a Kinesis stream, delivering to a local directory as S3 objects or to
 * an HTTP endpoint.
 */
public final class FirehoseService implements AwsService, AutoCloseable {


    /** Every action this service answers. */
    public static final Set<String> ACTIONS = Set.of("CreateDeliveryStream", "DeleteDeliveryStream",
            "DescribeDeliveryStream", "ListDeliveryStreams", "PutRecord", "PutRecordBatch", "UpdateDestination",
            "TagDeliveryStream", "UntagDeliveryStream", "ListTagsForDeliveryStream");

    private final DeliveryStreams streams;
    private final FirehoseRecords records;

    public FirehoseService(Broker broker, AwsApiSettings settings) {
        this.streams = new DeliveryStreams(broker, settings);
        this.records = new FirehoseRecords(broker, streams,
                new DeliveryThroughput(settings.kinesisThroughputLimits(), broker::currentTimeMillis));
    }

    /** Picks up the delivery streams storage recovered and starts delivering. */
    public void start() {
        streams.recover();
    }

    @Override
    public String signingName() {
        return "firehose";
    }

    @Override
    public String apiVersion() {
        return "2015-08-04";
    }

    @Override
    public String xmlNamespace() {
        return "http://firehose.amazonaws.com/doc/2015-08-04";
    }

    @Override
    public boolean hasAction(String action) {
        return ACTIONS.contains(action);
    }

    @Override
    public String jsonTargetPrefix() {
        return "Firehose_20150804";
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
        return dispatch(action, new FirehoseInput(json), ctx);
    }

    private CompletableFuture<JsonNode> dispatch(String action, FirehoseInput in, RequestContext ctx) {
        return switch (action) {
            case "CreateDeliveryStream" -> streams.create(in, ctx);
            case "DeleteDeliveryStream" -> streams.delete(in, ctx);
            case "DescribeDeliveryStream" -> describe(in, ctx);
            case "ListDeliveryStreams" -> list(in, ctx);
            case "UpdateDestination" -> streams.updateDestination(in, ctx);
            case "PutRecord" -> records.putRecord(in, ctx);
            case "PutRecordBatch" -> records.putRecordBatch(in, ctx);
            case "TagDeliveryStream" -> streams.retag(in.deliveryStreamName(), in.tags("Tags"), List.of(), ctx,
                    action);
            case "UntagDeliveryStream" -> streams.retag(in.deliveryStreamName(), Map.of(), tagKeys(in), ctx, action);
            case "ListTagsForDeliveryStream" -> listTags(in, ctx);
            default -> throw JsonErrors.unknownOperation(action);
        };
    }

    private CompletableFuture<JsonNode> describe(FirehoseInput in, RequestContext ctx) {
        String name = in.deliveryStreamName();
        DeliveryStreamDefinition d = streams.get(ctx.session(), name, ctx.caller().accountId());
        ActionPermissions.require(ctx.session(), "DescribeDeliveryStream", ActionPermissions.ANY, name);
        ObjectNode out = FirehoseShapes.object();
        out.set("DeliveryStreamDescription", FirehoseShapes.description(d));
        return CompletableFuture.completedFuture(out);
    }

    private CompletableFuture<JsonNode> list(FirehoseInput in, RequestContext ctx) {
        int limit = in.integer("Limit", 10, 1, 10_000);
        String type = in.string("DeliveryStreamType");
        String after = in.string("ExclusiveStartDeliveryStreamName");
        List<DeliveryStreamDefinition> all = streams.all(ctx.session().vhostName()).stream()
                .filter(d -> ActionPermissions.visible(ctx.session(), d.name()))
                .filter(d -> type == null || d.type().equals(type))
                .filter(d -> after == null || d.name().compareTo(after) > 0)
                .sorted(Comparator.comparing(DeliveryStreamDefinition::name)).toList();
        ObjectNode out = FirehoseShapes.object();
        ArrayNode names = out.putArray("DeliveryStreamNames");
        all.stream().limit(limit).forEach(d -> names.add(d.name()));
        out.put("HasMoreDeliveryStreams", all.size() > limit);
        return CompletableFuture.completedFuture(out);
    }

    private CompletableFuture<JsonNode> listTags(FirehoseInput in, RequestContext ctx) {
        String name = in.deliveryStreamName();
        DeliveryStreamDefinition d = streams.get(ctx.session(), name, ctx.caller().accountId());
        ActionPermissions.require(ctx.session(), "ListTagsForDeliveryStream", ActionPermissions.READ, name);
        int limit = in.integer("Limit", 50, 1, 50);
        String after = in.string("ExclusiveStartTagKey");
        List<String> keys = d.tags().keySet().stream().sorted().filter(k -> after == null || k.compareTo(after) > 0)
                .toList();
        ObjectNode out = FirehoseShapes.object();
        ArrayNode tags = out.putArray("Tags");
        keys.stream().limit(limit).forEach(k -> tags.addObject().put("Key", k).put("Value", d.tags().get(k)));
        out.put("HasMoreTags", keys.size() > limit);
        return CompletableFuture.completedFuture(out);
    }

    private static List<String> tagKeys(FirehoseInput in) {
        JsonNode keys = in.node().get("TagKeys");
        if (keys == null || !keys.isArray() || keys.isEmpty()) {
            throw JsonErrors.validation(keys == null ? "null" : keys.toString(), "tagKeys",
                    "must have length greater than or equal to 1");
        }
        List<String> out = new ArrayList<>();
        keys.forEach(k -> out.add(k.asText()));
        return out;
    }

    @Override
    public AwsError translate(Throwable t) {
        return JsonErrors.translate(t, FirehoseErrors.UNAVAILABLE);
    }

    /** Stops delivering, after delivering what is buffered. */
    @Override
    public void close() {
        streams.close();
    }
}
