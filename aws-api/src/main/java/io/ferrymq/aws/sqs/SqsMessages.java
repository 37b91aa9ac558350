package io.ferrymq.aws.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.fifo.DeduplicationWindow;
import io.ferrymq.aws.fifo.FifoRules;
import io.ferrymq.aws.fifo.SequenceNumbers;
import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.Inputs;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.PullOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/** The message-level actions: send, receive, delete and change visibility, single and batched. */
final class SqsMessages {

    /** Hidden properties SQS keeps on a message. */
    static final String SENDER = "aws.sqs.sender";
    static final String GROUP = "aws.sqs.group-id";
    static final String DEDUP = "aws.sqs.dedup-id";
    static final String SEQUENCE = "aws.sqs.sequence";
    static final String TRACE = "aws.sqs.trace-header";
    static final String DLQ_SOURCE = "aws.sqs.dlq-source";

    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final List<String> SYSTEM_ATTRIBUTES = List.of("SenderId", "SentTimestamp",
            "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "SequenceNumber", "MessageDeduplicationId",
            "MessageGroupId", "AWSTraceHeader", "DeadLetterQueueSourceArn");

    private final LongSupplier clock;
    private final AwsApiSettings settings;
    private final SqsQueues queues;
    private final ReceiptHandles handles;
    private final MessageRenderer renderer;
    private final SequenceNumbers sequence = new SequenceNumbers();
    private final DeduplicationWindow sent = new DeduplicationWindow();
    private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
    private final BoundedSet deleted = new BoundedSet(100_000);

    private record Attempt(ObjectNode result, long expiresAt) { }

    /**
     * @param clock the broker's clock, which also decides when a message's retention (its core expiration) is up
     */
    SqsMessages(AwsApiSettings settings, SqsQueues queues, ReceiptHandles handles, MessageRenderer renderer,
                LongSupplier clock) {
        this.clock = clock;
        this.settings = settings;
        this.queues = queues;
        this.handles = handles;
        this.renderer = renderer;
    }

    // ------------------------------------------------------------------ send

    CompletableFuture<JsonNode> sendMessage(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        return send(ctx, t, in).thenApply(r -> (JsonNode) r);
    }

    CompletableFuture<JsonNode> sendMessageBatch(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        List<JsonNode> entries = checkBatch(in, "SendMessageBatchRequestEntry");
        long total = 0;
        for (JsonNode e : entries) {
            String body = Inputs.string(e, "MessageBody");
            total += body == null ? 0 : Md5.utf8Length(body);
            for (Map.Entry<String, AttributeValue> a : safeAttributes(e).entrySet()) {
                total += a.getValue().size(a.getKey());
            }
        }
        if (total > settings.maxMessageBytes()) {
            throw SqsErrors.batchTooLong(settings.maxMessageBytes(), total);
        }
        return eachEntry(entries, ctx, e -> send(ctx, t, e));
    }

    private static Map<String, AttributeValue> safeAttributes(JsonNode e) {
        try {
            return MessageProperties.parseMap(e.get("MessageAttributes"));
        } catch (AwsError err) {
            return Map.of();
        }
    }

    private CompletableFuture<ObjectNode> send(RequestContext ctx, SqsQueues.Target t, JsonNode in) {
        QueueMeta meta = t.meta();
        SendRequest request = SendRequest.parse(in, meta, settings.maxMessageBytes());
        long now = clock.getAsLong();
        String messageId = UUID.randomUUID().toString();
        String seq = meta.fifo() ? sequence.next(now) : null;
        Message message = message(ctx, meta, request, messageId, seq, now);
        ObjectNode result = JsonNodeFactory.instance.objectNode().put("MessageId", messageId)
                .put("MD5OfMessageBody", Md5.ofBody(request.body()));
        String md5Attrs = Md5.ofAttributes(request.attributes());
        if (md5Attrs != null) {
            result.put("MD5OfMessageAttributes", md5Attrs);
        }
        String md5System = Md5.ofAttributes(request.systemAttributes());
        if (md5System != null) {
            result.put("MD5OfMessageSystemAttributes", md5System);
        }
        if (seq != null) {
            result.put("SequenceNumber", seq);
        }
        Session session = ctx.session(t.vhost());
        if (message.deduplicationId() == null) {
            return session.send(Route.queue(t.name()), message, null).thenApply(r -> result);
        }
        // FIFO: a duplicate within five minutes is accepted and answered like the original.
        String key = QueueRegistry.key(t.vhost(), t.name()) + "\n" + message.deduplicationId();
        return sent.once(key, now, expiresAt -> session.send(Route.queue(t.name()), message, null)
                .thenApply(r -> result));
    }

    /** The core message: SQS's details (sender, group, deduplication id, sequence) in hidden properties. */
    private static Message message(RequestContext ctx, QueueMeta meta, SendRequest request, String messageId,
                                   String seq, long now) {
        int delay = request.delaySeconds() != null ? request.delaySeconds()
                : QueueAttributes.intAttr(meta, "DelaySeconds", 0);
        int retention = QueueAttributes.intAttr(meta, "MessageRetentionPeriod", 345_600);
        Message.Builder b = Message.builder().durable(true).timestamp(now).messageId(messageId)
                .body(request.body().getBytes(StandardCharsets.UTF_8))
                .contentType(MessageProperties.contentType(request.attributes()))
                .userId(ctx.caller().principal().name())
                .expiration(now + retention * 1000L)
                .deliveryTime(delay > 0 ? now + delay * 1000L : 0);
        MessageProperties.write(b, request.attributes());
        b.property(SENDER, ctx.caller().accessKeyId() != null ? ctx.caller().accessKeyId() : ctx.caller().principal().name());
        FifoRules.Ids ids = request.ids();
        if (ids.groupId() != null) {
            b.property(GROUP, ids.groupId());
        }
        AttributeValue trace = request.systemAttributes().get("AWSTraceHeader");
        if (trace != null) {
            b.property(TRACE, trace.stringValue());
        }
        if (meta.fifo()) {
            boolean perGroup = "messageGroup".equals(meta.attribute("DeduplicationScope"));
            b.groupId(ids.groupId()).deduplicationId(ids.deduplicationKey(perGroup))
                    .property(DEDUP, ids.deduplicationId()).property(SEQUENCE, seq);
        }
        return b.build();
    }

    // ------------------------------------------------------------------ receive

    CompletableFuture<JsonNode> receiveMessage(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        QueueMeta meta = t.meta();
        Integer max = Inputs.integer(in, "MaxNumberOfMessages");
        if (max != null && (max < 1 || max > 10)) {
            throw SqsErrors.invalidValue(max, "MaxNumberOfMessages", "Must be between 1 and 10, if provided.");
        }
        Integer visibility = Inputs.integer(in, "VisibilityTimeout");
        if (visibility != null && (visibility < 0 || visibility > 43_200)) {
            throw SqsErrors.invalidValue(visibility, "VisibilityTimeout", "Must be >= 0 and <= 43200, if provided.");
        }
        Integer wait = Inputs.integer(in, "WaitTimeSeconds");
        if (wait != null && (wait < 0 || wait > 20)) {
            throw SqsErrors.invalidValue(wait, "WaitTimeSeconds", "Must be >= 0 and <= 20, if provided.");
        }
        String attemptId = Inputs.string(in, "ReceiveRequestAttemptId");
        if (attemptId != null && !FifoRules.validId(attemptId)) {
            throw SqsErrors.invalidValue(attemptId, "ReceiveRequestAttemptId", "ReceiveRequestAttemptId can only"
                    + " include alphanumeric and punctuation characters. 1 to 128 in length.");
        }
        Set<String> systemNames = new HashSet<>(Inputs.strings(in, "AttributeNames"));
        systemNames.addAll(Inputs.strings(in, "MessageSystemAttributeNames"));
        List<String> attributeNames = Inputs.strings(in, "MessageAttributeNames");
        int vis = visibility != null ? visibility : QueueAttributes.intAttr(meta, "VisibilityTimeout", 30);
        int waitSeconds = wait != null ? wait : QueueAttributes.intAttr(meta, "ReceiveMessageWaitTimeSeconds", 0);
        long now = clock.getAsLong();
        String attemptKey = null;
        if (attemptId != null && meta.fifo()) {
            attemptKey = QueueRegistry.key(t.vhost(), t.name()) + "\n" + attemptId;
            Attempt a = attempts.get(attemptKey);
            if (a != null && a.expiresAt() > now) {
                return CompletableFuture.completedFuture(a.result().deepCopy());
            }
            attempts.values().removeIf(x -> x.expiresAt() <= now);
        }
        Session session = ctx.session(t.vhost());
        String arn = queues.arn(ctx, t);
        QueueAttributes.Redrive redrive = QueueAttributes.redrive(meta);
        String key = attemptKey;
        PullOptions options = new PullOptions(max == null ? 1 : max, waitSeconds * 1000L, vis * 1000L, false);
        return session.pull(t.name(), options).thenApply(deliveries -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            ArrayNode messages = JsonNodeFactory.instance.arrayNode();
            long receivedAt = clock.getAsLong();
            for (Delivery d : deliveries) {
                if (redrive != null && d.deliveryCount() > redrive.maxReceiveCount()
                        && moveToDeadLetterQueue(ctx, t, d, redrive, arn)) {
                    continue;
                }
                messages.add(render(t, d, systemNames, attributeNames, receivedAt));
            }
            if (!messages.isEmpty()) {
                out.set("Messages", messages);
            }
            if (key != null) {
                attempts.put(key, new Attempt(out.deepCopy(), receivedAt + FifoRules.DEDUPLICATION_WINDOW_MILLIS));
            }
            return out;
        });
    }

    /** Moves a message past its queue's maxReceiveCount to the dead-letter queue; false if that queue is gone. */
    private boolean moveToDeadLetterQueue(RequestContext ctx, SqsQueues.Target source, Delivery d,
                                          QueueAttributes.Redrive redrive, String sourceArn) {
        SqsQueues.Target dlq = queues.byArn(ctx, redrive.deadLetterTargetArn());
        if (dlq == null) {
            return false;
        }
        Message copy = deadLetterCopy(d.message(), sourceArn, dlq.meta(), clock.getAsLong());
        Session session = ctx.session(source.vhost());
        ctx.session(dlq.vhost()).send(Route.queue(dlq.name()), copy, null)
                .thenCompose(r -> session.settle(source.name(), d.deliveryId(), Outcome.ACCEPT))
                .exceptionally(err -> {
                    org.slf4j.LoggerFactory.getLogger(SqsMessages.class).warn("Could not move message {} from {} to"
                            + " dead-letter queue {}: {}", d.message().messageId(), source.name(), dlq.name(),
                            err.toString());
                    return null;
                });
        return true;
    }

    /** The copy a dead-letter queue (or a move task) gets: same id, body, attributes and sent time. */
    static Message deadLetterCopy(Message m, String sourceArn, QueueMeta target, long now) {
        Message.Builder b = m.toBuilder().id(0).deliveryTime(0).deduplicationId(null);
        if (!target.fifo()) {
            b.groupId(null);
        }
        int retention = QueueAttributes.intAttr(target, "MessageRetentionPeriod", 345_600);
        long sent = m.timestamp() > 0 ? m.timestamp() : now;
        b.expiration(Math.max(sent + retention * 1000L, now + 1000));
        if (sourceArn != null) {
            b.property(DLQ_SOURCE, sourceArn);
        }
        return b.build();
    }

    private ObjectNode render(SqsQueues.Target t, Delivery d, Set<String> systemNames, List<String> attributeNames,
                              long receivedAt) {
        Message m = d.message();
        MessageRenderer.Rendered shown = renderer.render(m, t.vhost(), t.name());
        SqsBody own = shown != null && shown.body() != null ? null : SqsBody.of(m.body());
        String body = own != null ? own.text() : shown.body();
        Map<String, AttributeValue> all = shown != null ? shown.attributes() : MessageProperties.read(m);
        if (own != null && own.base64()) {
            all = new LinkedHashMap<>(all);
            all.put(SqsBody.ENCODING_ATTRIBUTE, SqsBody.marker());
        }
        String messageId = messageId(t.vhost(), m);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("MessageId", messageId);
        o.put("ReceiptHandle", handles.encode(t.vhost(), t.name(), d.deliveryId(), receivedAt));
        o.put("MD5OfBody", Md5.ofBody(body));
        o.put("Body", body);
        long first = d.firstDeliveredAt() > 0 ? d.firstDeliveredAt() : receivedAt;
        Map<String, String> system = new LinkedHashMap<>();
        system.put("SenderId", text(m.property(SENDER), m.userId() == null ? "" : m.userId()));
        system.put("SentTimestamp", Long.toString(m.timestamp() > 0 ? m.timestamp() : receivedAt));
        system.put("ApproximateReceiveCount", Integer.toString(d.deliveryCount()));
        system.put("ApproximateFirstReceiveTimestamp", Long.toString(first));
        putIf(system, "SequenceNumber", m.property(SEQUENCE));
        putIf(system, "MessageDeduplicationId", m.property(DEDUP));
        putIf(system, "MessageGroupId", m.property(GROUP) != null ? m.property(GROUP) : t.fifo() ? m.groupId() : null);
        putIf(system, "AWSTraceHeader", m.property(TRACE));
        putIf(system, "DeadLetterQueueSourceArn", m.property(DLQ_SOURCE));
        boolean allSystem = systemNames.contains("All");
        ObjectNode sys = JsonNodeFactory.instance.objectNode();
        for (String n : SYSTEM_ATTRIBUTES) {
            if ((allSystem || systemNames.contains(n)) && system.containsKey(n)) {
                sys.put(n, system.get(n));
            }
        }
        if (!sys.isEmpty()) {
            o.set("Attributes", sys);
        }
        Map<String, AttributeValue> selected = new LinkedHashMap<>();
        for (Map.Entry<String, AttributeValue> a : all.entrySet()) {
            // The marker goes with every base64-encoded body, asked for or not: without it the body is unreadable.
            if (wanted(a.getKey(), attributeNames) || a.getKey().equals(SqsBody.ENCODING_ATTRIBUTE)) {
                selected.put(a.getKey(), a.getValue());
            }
        }
        String md5 = Md5.ofAttributes(selected.isEmpty() ? all : selected);
        if (md5 != null) {
            o.put("MD5OfMessageAttributes", md5);
        }
        if (!selected.isEmpty()) {
            o.set("MessageAttributes", MessageProperties.toJson(selected));
        }
        return o;
    }

    private static boolean wanted(String name, List<String> requested) {
        for (String r : requested) {
            if (r.equals("All") || r.equals(".*") || r.equals(name)
                    || (r.endsWith(".*") && name.startsWith(r.substring(0, r.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    /** The SQS message id: the one it was sent with, or a stable one derived from the broker's id. */
    static String messageId(String vhost, Message m) {
        if (m.messageId() != null && !m.messageId().isEmpty()) {
            return m.messageId();
        }
        return UUID.nameUUIDFromBytes((vhost + "\n" + m.id()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static void putIf(Map<String, String> m, String k, Object v) {
        if (v != null) {
            m.put(k, v.toString());
        }
    }

    private static String text(Object v, String fallback) {
        return v == null ? fallback : v.toString();
    }

    // ------------------------------------------------------------------ delete / visibility

    CompletableFuture<JsonNode> deleteMessage(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        return delete(ctx, t, receiptHandle(in)).thenApply(v -> null);
    }

    CompletableFuture<JsonNode> deleteMessageBatch(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        List<JsonNode> entries = checkBatch(in, "DeleteMessageBatchRequestEntry");
        return eachEntry(entries, ctx, e -> delete(ctx, t, receiptHandle(e)).thenApply(v -> emptyResult()));
    }

    private CompletableFuture<Void> delete(RequestContext ctx, SqsQueues.Target t, String handle) {
        ReceiptHandles.Handle h = handles.decode(handle);
        if (h == null || !h.vhost().equals(t.vhost()) || !h.queue().equals(t.name())) {
            throw SqsErrors.receiptHandleIsInvalid(handle);
        }
        if (deleted.contains(handle)) {
            return CompletableFuture.completedFuture(null);
        }
        return ctx.session(t.vhost()).settle(t.name(), h.deliveryId(), Outcome.ACCEPT).handle((v, err) -> {
            if (err == null) {
                deleted.add(handle);
                return null;
            }
            BrokerException be = BrokerException.from(err);
            if (be.code() == ErrorCode.NOT_FOUND) {
                if (ctx.session(t.vhost()).admin().describeQueue(t.name()).isEmpty()) {
                    throw SqsErrors.queueDoesNotExist(ctx.protocol());
                }
                throw SqsErrors.receiptHandleExpired(handle);
            }
            throw SqsErrors.from(be, ctx.protocol());
        });
    }

    CompletableFuture<JsonNode> changeMessageVisibility(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        String handle = receiptHandle(in);
        Integer v = Inputs.integer(in, "VisibilityTimeout");
        if (v == null) {
            throw SqsErrors.missing("VisibilityTimeout");
        }
        return changeVisibility(ctx, t, handle, v).thenApply(x -> null);
    }

    CompletableFuture<JsonNode> changeMessageVisibilityBatch(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        List<JsonNode> entries = checkBatch(in, "ChangeMessageVisibilityBatchRequestEntry");
        return eachEntry(entries, ctx, e -> {
            String handle = receiptHandle(e);
            Integer v = Inputs.integer(e, "VisibilityTimeout");
            return changeVisibility(ctx, t, handle, v == null ? 0 : v).thenApply(x -> emptyResult());
        });
    }

    private CompletableFuture<Void> changeVisibility(RequestContext ctx, SqsQueues.Target t, String handle, int seconds) {
        if (seconds < 0 || seconds > 43_200) {
            throw SqsErrors.invalidValue(seconds, "VisibilityTimeout", "Must be between 0 and 43200, if provided.");
        }
        ReceiptHandles.Handle h = handles.decode(handle);
        if (h == null || !h.vhost().equals(t.vhost()) || !h.queue().equals(t.name())) {
            throw SqsErrors.receiptHandleIsInvalid(handle);
        }
        return ctx.session(t.vhost()).changeLease(t.name(), h.deliveryId(), seconds * 1000L).handle((v, err) -> {
            if (err == null) {
                return null;
            }
            BrokerException be = BrokerException.from(err);
            if (be.code() == ErrorCode.NOT_FOUND) {
                if (ctx.session(t.vhost()).admin().describeQueue(t.name()).isEmpty()) {
                    throw SqsErrors.queueDoesNotExist(ctx.protocol());
                }
                throw SqsErrors.notInFlight(handle);
            }
            throw SqsErrors.from(be, ctx.protocol());
        });
    }

    // ------------------------------------------------------------------ batches

    private static List<JsonNode> checkBatch(JsonNode in, String entryName) {
        List<JsonNode> entries = Inputs.objects(in, "Entries");
        if (entries.isEmpty()) {
            throw SqsErrors.emptyBatch(entryName);
        }
        if (entries.size() > 10) {
            throw SqsErrors.tooManyEntries(entries.size());
        }
        Set<String> ids = new HashSet<>();
        for (JsonNode e : entries) {
            String id = Inputs.string(e, "Id");
            if (id == null || !BATCH_ID.matcher(id).matches()) {
                throw SqsErrors.invalidBatchEntryId();
            }
            if (!ids.add(id)) {
                throw SqsErrors.idsNotDistinct(id);
            }
        }
        return entries;
    }

    /**
     * Runs one batch entry after another, each to its own result: a failing entry, whether it throws or its
     * future fails, becomes a failed entry without stopping the others.
     */
    private static CompletableFuture<JsonNode> eachEntry(List<JsonNode> entries, RequestContext ctx,
                                                         Function<JsonNode, CompletableFuture<ObjectNode>> action) {
        List<CompletableFuture<ObjectNode>> results = new ArrayList<>();
        for (JsonNode e : entries) {
            String id = Inputs.string(e, "Id");
            CompletableFuture<ObjectNode> r;
            try {
                r = action.apply(e);
            } catch (AwsError err) {
                r = CompletableFuture.failedFuture(err);
            }
            results.add(r.handle((ok, err) -> err == null ? ok.put("Id", id) : failure(id, err, ctx)));
        }
        return collect(results);
    }

    private static ObjectNode emptyResult() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static String receiptHandle(JsonNode in) {
        String handle = Inputs.string(in, "ReceiptHandle");
        if (handle == null) {
            throw SqsErrors.missing("ReceiptHandle");
        }
        return handle;
    }

    private static ObjectNode failure(String id, Throwable err, RequestContext ctx) {
        Throwable c = err;
        while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        AwsError e = c instanceof AwsError a ? a : SqsErrors.from(BrokerException.from(c), ctx.protocol());
        ObjectNode f = JsonNodeFactory.instance.objectNode();
        f.put("Id", id).put("SenderFault", e.senderFault()).put("Code", e.code()).put("Message", e.getMessage());
        f.put("__failed", true);
        return f;
    }

    private static CompletableFuture<JsonNode> collect(List<CompletableFuture<ObjectNode>> results) {
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            ArrayNode ok = JsonNodeFactory.instance.arrayNode();
            ArrayNode failed = JsonNodeFactory.instance.arrayNode();
            for (CompletableFuture<ObjectNode> r : results) {
                ObjectNode n = r.join();
                if (n.remove("__failed") != null) {
                    failed.add(n);
                } else {
                    ok.add(n);
                }
            }
            out.set("Successful", ok);
            out.set("Failed", failed);
            return out;
        });
    }

    // ------------------------------------------------------------------ helpers

    /** The first character SQS does not allow in a message, as {@code #xN}, or null. */
    static String invalidCharacter(String s) {
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            boolean ok = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                    || (c >= 0x10000 && c <= 0x10FFFF);
            if (!ok) {
                return "#x" + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT);
            }
            i += Character.charCount(c);
        }
        return null;
    }

    /** Remembers recently deleted receipt handles, so a repeated DeleteMessage succeeds as on AWS. */
    private static final class BoundedSet {
        private final int capacity;
        private final java.util.LinkedHashSet<String> items = new java.util.LinkedHashSet<>();

        BoundedSet(int capacity) {
            this.capacity = capacity;
        }

        synchronized boolean contains(String s) {
            return items.contains(s);
        }

        synchronized void add(String s) {
            items.add(s);
            if (items.size() > capacity) {
                items.remove(items.iterator().next());
            }
        }
    }
}
