package io.ferrymq.aws.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.auth.ActionPermissions;
import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.JsonErrors;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Broker;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.stream.AppendRequest;
import io.ferrymq.core.stream.AppendResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * PutRecord and PutRecordBatch: records are appended to the delivery stream's core stream and answered once
 * they are on disk, so an accepted record survives a crash; its deliverer takes them from there.
 */
final class FirehoseRecords {

    static final int MAX_RECORD_BYTES = 1_024_000;
    static final int MAX_BATCH_RECORDS = 500;
    static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;
    private static final String PARTITION_KEY = "firehose";

    private final Broker broker;
    private final DeliveryStreams streams;
    private final DeliveryThroughput throughput;

    FirehoseRecords(Broker broker, DeliveryStreams streams, DeliveryThroughput throughput) {
        this.broker = broker;
        this.streams = streams;
        this.throughput = throughput;
    }

    CompletableFuture<JsonNode> putRecord(FirehoseInput in, RequestContext ctx) {
        DeliveryStreamDefinition d = writable(in, ctx, "PutRecord");
        FirehoseInput record = in.child("Record");
        if (record == null) {
            throw JsonErrors.missing("record");
        }
        byte[] data = data(record.node().get("Data"), "record.data");
        return append(d, List.of(data), ctx).thenApply(results -> {
            AppendResult r = results.get(0);
            if (r.refused()) {
                throw slowDown();
            }
            return (JsonNode) FirehoseShapes.object().put("RecordId", recordId(r)).put("Encrypted", false);
        });
    }

    CompletableFuture<JsonNode> putRecordBatch(FirehoseInput in, RequestContext ctx) {
        DeliveryStreamDefinition d = writable(in, ctx, "PutRecordBatch");
        JsonNode records = in.node().get("Records");
        if (records == null || records.isNull()) {
            throw JsonErrors.missing("records");
        }
        if (!records.isArray()) {
            throw JsonErrors.serialization("Field Records must be a list");
        }
        if (records.isEmpty()) {
            throw JsonErrors.validation("[]", "records", "must have length greater than or equal to 1");
        }
        if (records.size() > MAX_BATCH_RECORDS) {
            throw JsonErrors.validation("a list of " + records.size() + " records", "records",
                    "must have length less than or equal to " + MAX_BATCH_RECORDS);
        }
        List<byte[]> data = new ArrayList<>(records.size());
        long total = 0;
        for (int i = 0; i < records.size(); i++) {
            byte[] b = data(records.get(i).get("Data"), "records." + (i + 1) + ".member.data");
            total += b.length;
            data.add(b);
        }
        if (total > MAX_BATCH_BYTES) {
            throw FirehoseErrors.invalidArgument("Records size exceeds 4 MiB limit: the batch holds " + total
                    + " bytes of data");
        }
        return append(d, data, ctx).thenApply(results -> {
            ObjectNode out = FirehoseShapes.object();
            ArrayNode answers = FirehoseShapes.object().arrayNode();
            int failed = 0;
            for (AppendResult r : results) {
                if (r.refused()) {
                    failed++;
                    answers.addObject().put("ErrorCode", "ServiceUnavailableException").put("ErrorMessage",
                            "Slow down.");
                } else {
                    answers.addObject().put("RecordId", recordId(r));
                }
            }
            out.put("FailedPutCount", failed).put("Encrypted", false);
            out.set("RequestResponses", answers);
            return (JsonNode) out;
        });
    }

    private DeliveryStreamDefinition writable(FirehoseInput in, RequestContext ctx, String action) {
        String name = in.deliveryStreamName();
        DeliveryStreamDefinition d = streams.get(ctx.session(), name, ctx.caller().accountId());
        ActionPermissions.require(ctx.session(), action, Set.of(Permission.SEND), name);
        if (d.type().equals(DeliveryStreamDefinition.KINESIS_SOURCE)) {
            throw FirehoseErrors.invalidArgument("This operation is not permitted on KinesisStreamAsSource delivery"
                    + " stream type.");
        }
        if (!d.status().equals("ACTIVE")) {
            throw FirehoseErrors.inUse("Firehose " + name + " is " + d.status() + "; it takes records once it is"
                    + " ACTIVE");
        }
        return d;
    }

    private static byte[] data(JsonNode v, String wirePath) {
        byte[] b = FirehoseInput.blob(v, wirePath);
        if (b.length > MAX_RECORD_BYTES) {
            throw JsonErrors.validation("a blob of " + b.length + " bytes", wirePath,
                    "must have length less than or equal to " + MAX_RECORD_BYTES);
        }
        return b;
    }

    private CompletableFuture<List<AppendResult>> append(DeliveryStreamDefinition d, List<byte[]> data,
                                                         RequestContext ctx) {
        List<AppendRequest> requests = new ArrayList<>(data.size());
        for (byte[] b : data) {
            requests.add(new AppendRequest(PARTITION_KEY, null, b));
        }
        return broker.streams().append(broker.systemSession(d.vhost()), d.backingStream(), requests,
                (shard, bytes) -> throughput.admit(d.vhost(), d.name(), bytes), ctx.executor())
                .exceptionally(t -> {
                    BrokerException e = BrokerException.from(t);
                    if (e.code() == ErrorCode.NOT_FOUND) {
                        throw FirehoseErrors.notFound(d.name(), d.account());
                    }
                    throw FirehoseErrors.from(e);
                });
    }

    private static AwsError slowDown() {
        return new AwsError("ServiceUnavailableException", "ServiceUnavailableException", 503, false, "Slow down.");
    }

    /** An opaque id that differs for every record (its place in the delivery stream's log, and some noise). */
    private static String recordId(AppendResult r) {
        return String.format("%016x%08x%016x", r.offset(), r.shard(), ThreadLocalRandom.current().nextLong());
    }
}
