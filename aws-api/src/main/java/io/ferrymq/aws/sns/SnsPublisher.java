package io.ferrymq.aws.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.fifo.DeduplicationWindow;
import io.ferrymq.aws.fifo.FifoRules;
import io.ferrymq.aws.fifo.SequenceNumbers;
import io.ferrymq.aws.internal.SystemSessions;
import io.ferrymq.aws.sqs.AttributeValue;
import io.ferrymq.aws.sqs.MessageProperties;
import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.Inputs;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Route;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.state.StateStore;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Publish and PublishBatch: checks the message as SNS does, builds one core message (attributes as
 * properties, the SNS details in hidden properties) and publishes it to the topic's exchange, whose
 * bindings (filtered by their subscriptions' policies) fan it out; {@code ferrymq} exchange endpoints
 * get a copy republished here. FIFO topics deduplicate for five minutes (through a restart too) and number
 * their messages.
 */
final class SnsPublisher {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_BYTES = 256 * 1024;

    /** SNS's wording of the FIFO refusals. */
    private static final FifoRules.Refusals REFUSALS = new FifoRules.Refusals() {
        @Override
        public RuntimeException malformed(String parameter, String value) {
            return SnsErrors.invalidParameter(parameter + " Reason: can only include alphanumeric and punctuation"
                    + " characters. 1 to 128 in length.");
        }

        @Override
        public RuntimeException groupIdMissing() {
            return SnsErrors.invalidParameter("The MessageGroupId parameter is required for FIFO topics");
        }

        @Override
        public RuntimeException deduplicationIdMissing() {
            return SnsErrors.invalidParameter("The topic should either have ContentBasedDeduplication enabled"
                    + " or MessageDeduplicationId provided explicitly");
        }

        @Override
        public RuntimeException deduplicationIdNotAllowed(String value) {
            return SnsErrors.invalidParameter("MessageDeduplicationId Reason: The request includes"
                    + " MessageDeduplicationId parameter that is not valid for this topic type");
        }
    };

    private final SnsTopics topics;
    private final SnsRegistry registry;
    private final SnsSubscriptions subscriptions;
    private final SystemSessions system;
    private final SequenceNumbers sequence = new SequenceNumbers();
    private final DeduplicationWindow recent;
    /** FIFO publishes still inside their deduplication window, kept through a restart. */
    private final StateStore recentStore;

    SnsPublisher(SnsTopics topics, SnsRegistry registry, SnsSubscriptions subscriptions, SystemSessions system,
                 StateStore recentStore) {
        this.topics = topics;
        this.registry = registry;
        this.subscriptions = subscriptions;
        this.system = system;
        this.recentStore = recentStore;
        this.recent = new DeduplicationWindow(recentStore::remove);
        long now = System.currentTimeMillis();
        for (Map.Entry<String, byte[]> e : recentStore.all().entrySet()) {
            if (!recover(e.getKey(), e.getValue(), now)) {
                recentStore.remove(e.getKey());
            }
        }
    }

    /** Takes back a stored FIFO publish; false when it has left its window (or cannot be read). */
    private boolean recover(String key, byte[] stored, long now) {
        try {
            JsonNode n = JSON.readTree(stored);
            long expiresAt = n.path("expiresAt").asLong();
            if (expiresAt > now && n.get("result") instanceof ObjectNode result) {
                recent.restore(key, result, expiresAt);
                return true;
            }
        } catch (java.io.IOException e) {
            // unreadable: forgotten
        }
        return false;
    }

    /** Stores a FIFO publish's answer for its window, so that a resend after a restart gets the same answer. */
    private CompletableFuture<Void> remember(String key, ObjectNode result, long expiresAt) {
        ObjectNode stored = JsonNodeFactory.instance.objectNode().put("expiresAt", expiresAt);
        stored.set("result", result);
        return recentStore.put(key, stored.toString().getBytes(StandardCharsets.UTF_8));
    }

    CompletableFuture<JsonNode> publish(JsonNode in, RequestContext ctx) {
        if (Inputs.string(in, "PhoneNumber") != null) {
            throw SnsErrors.invalidParameter("PhoneNumber Reason: SMS delivery is not supported by this broker");
        }
        String arn = Inputs.string(in, "TopicArn");
        if (arn == null) {
            arn = Inputs.string(in, "TargetArn");
        }
        if (arn == null) {
            throw SnsErrors.invalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
        }
        TopicMeta topic = topics.require(arn);
        return publish(ctx, topic, in).thenApply(r -> (JsonNode) r);
    }

    CompletableFuture<JsonNode> publishBatch(JsonNode in, RequestContext ctx) {
        TopicMeta topic = topics.require(Inputs.string(in, "TopicArn"));
        List<JsonNode> entries = Inputs.objects(in, "PublishBatchRequestEntries");
        if (entries.isEmpty()) {
            throw SnsErrors.batch("EmptyBatchRequest", "The batch request doesn't contain any entries");
        }
        if (entries.size() > 10) {
            throw SnsErrors.batch("TooManyEntriesInBatchRequest", "The batch request contains more entries than"
                    + " permissible");
        }
        Set<String> ids = new HashSet<>();
        long total = 0;
        for (JsonNode e : entries) {
            String id = Inputs.string(e, "Id");
            if (id == null || !id.matches("[A-Za-z0-9_-]{1,80}")) {
                throw SnsErrors.batch("InvalidBatchEntryId", "The Id of a batch entry in a batch request doesn't abide"
                        + " by the specification");
            }
            if (!ids.add(id)) {
                throw SnsErrors.batch("BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the"
                        + " same Id");
            }
            String m = Inputs.string(e, "Message");
            total += m == null ? 0 : m.getBytes(StandardCharsets.UTF_8).length;
        }
        if (total > MAX_BYTES) {
            throw SnsErrors.batch("BatchRequestTooLong", "The length of all the messages put together is more than"
                    + " the limit");
        }
        List<CompletableFuture<ObjectNode>> results = new ArrayList<>();
        for (JsonNode e : entries) {
            String id = Inputs.string(e, "Id");
            CompletableFuture<ObjectNode> r;
            try {
                r = publish(ctx, topic, e);
            } catch (AwsError err) {
                r = CompletableFuture.failedFuture(err);
            }
            results.add(r.handle((ok, err) -> {
                if (err == null) {
                    return ok.put("Id", id);
                }
                Throwable c = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                        ? err.getCause() : err;
                AwsError a = c instanceof AwsError x ? x : SnsErrors.from(BrokerException.from(c));
                return JsonNodeFactory.instance.objectNode().put("Id", id).put("Code", a.code())
                        .put("Message", a.getMessage()).put("SenderFault", a.senderFault()).put("__failed", true);
            }));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            ArrayNode ok = out.putArray("Successful");
            ArrayNode failed = out.putArray("Failed");
            for (CompletableFuture<ObjectNode> r : results) {
                ObjectNode n = r.join();
                if (n.remove("__failed") != null) {
                    failed.add(n);
                } else {
                    ok.add(n);
                }
            }
            return out;
        });
    }

    private CompletableFuture<ObjectNode> publish(RequestContext ctx, TopicMeta topic, JsonNode in) {
        String message = Inputs.string(in, "Message");
        if (message == null || message.isEmpty()) {
            throw SnsErrors.invalidParameter("Empty message");
        }
        String subject = Inputs.string(in, "Subject");
        if (subject != null && (subject.isEmpty() || subject.length() > 100 || !subject.matches("[\\x20-\\x7E]*"))) {
            throw SnsErrors.invalidParameter("Subject");
        }
        String structure = Inputs.string(in, "MessageStructure");
        String body = message;
        if (structure != null) {
            if (!structure.equals("json")) {
                throw SnsErrors.invalidParameter("MessageStructure");
            }
            JsonNode parsed;
            try {
                parsed = JSON.readTree(message);
            } catch (java.io.IOException e) {
                throw SnsErrors.invalidParameter("Message Structure - JSON message body failed to parse");
            }
            if (parsed == null || !parsed.isObject()) {
                throw SnsErrors.invalidParameter("Message Structure - JSON message body failed to parse");
            }
            JsonNode d = parsed.get("default");
            if (d == null || !d.isTextual()) {
                throw SnsErrors.invalidParameter("Message Structure - No default entry in JSON message body");
            }
            body = d.asText();
        }
        Map<String, AttributeValue> attrs = attributes(in.get("MessageAttributes"));
        long size = message.getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, AttributeValue> a : attrs.entrySet()) {
            size += a.getValue().size(a.getKey());
        }
        if (size > MAX_BYTES) {
            throw SnsErrors.invalidParameter("Message too long");
        }
        FifoRules.Ids ids = FifoRules.apply(topic.fifo(), "true".equalsIgnoreCase(topic.attribute("ContentBasedDeduplication")),
                Inputs.string(in, "MessageGroupId"), Inputs.string(in, "MessageDeduplicationId"), message, REFUSALS);
        String group = ids.groupId();
        String dedup = ids.deduplicationId();
        long now = System.currentTimeMillis();
        String messageId = UUID.randomUUID().toString();
        Message.Builder b = Message.builder().durable(true).timestamp(now).messageId(messageId)
                .body(body.getBytes(StandardCharsets.UTF_8)).contentType(MessageProperties.contentType(attrs))
                .userId(ctx.caller().principal().name())
                .property(SnsEnvelope.TOPIC_ARN, topic.arn());
        MessageProperties.write(b, attrs);
        if (subject != null) {
            b.property(SnsEnvelope.SUBJECT, subject);
        }
        if (structure != null) {
            b.property(SnsEnvelope.STRUCTURE, message);
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode().put("MessageId", messageId);
        if (group != null && !topic.fifo()) {
            b.property("aws.sqs.group-id", group);
        }
        if (!topic.fifo()) {
            return route(ctx, topic, b.build()).thenApply(v -> result);
        }
        String seq = sequence.next(now);
        b.groupId(group).deduplicationId(dedup).property(SnsEnvelope.SEQUENCE, seq).property("aws.sqs.dedup-id", dedup);
        result.put("SequenceNumber", seq);
        Message m = b.build();
        String key = topic.arn() + "\n" + dedup;
        return recent.once(key, now, expiresAt -> route(ctx, topic, m)
                .thenCompose(v -> remember(key, result, expiresAt)).thenApply(v -> result));
    }

    /**
     * Publishes to the topic's exchange, and republishes to exchange endpoints whose filters match. A standard
     * topic with a dotted name is also the broker topic of that name: its publishes reach STOMP {@code /topic/NAME},
     * MQTT {@code NAME} with slashes, AMQP {@code topic://NAME} subscribers, under the same send permission.
     */
    private CompletableFuture<Void> route(RequestContext ctx, TopicMeta topic, Message m) {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        sends.add(ctx.session().send(Route.exchange(topic.name(), ""), m, null));
        boolean direct = SnsTopics.isBrokerTopicName(topic);
        if (direct) {
            sends.add(ctx.session().send(Route.topic(topic.name()), m, null));
        }
        for (SubscriptionMeta s : registry.subscriptionsOf(topic.arn())) {
            if (!s.protocol().equals(SnsSubscriptions.NATIVE)) {
                continue;
            }
            SnsSubscriptions.NativeTarget t = SnsSubscriptions.nativeTarget(s.endpoint());
            if (t.exchange() == null || (direct && t.exchange().equals(Route.TOPIC_EXCHANGE)
                    && t.key().equals(topic.name()))) {
                continue; // a queue endpoint is a binding; the topic's own broker topic already has its copy
            }
            FilterPolicy f = subscriptions.filter(s);
            if (f != null && !f.test(m)) {
                continue;
            }
            sends.add(system.session(s.vhost(), s.user()).send(Route.exchange(t.exchange(), t.key()),
                    m.toBuilder().deduplicationId(null).build(), null));
        }
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
    }

    /** SNS's checks of message attributes: String, String.Array, Number and Binary. */
    private static Map<String, AttributeValue> attributes(JsonNode map) {
        Map<String, AttributeValue> attrs;
        try {
            attrs = MessageProperties.parseMap(map);
        } catch (AwsError e) {
            throw SnsErrors.invalidParameterValue(e.getMessage());
        }
        if (attrs.size() > 10) {
            throw SnsErrors.invalidParameter("MessageAttributes Reason: Number of message attributes [" + attrs.size()
                    + "] exceeds the allowed maximum [10].");
        }
        for (Map.Entry<String, AttributeValue> e : attrs.entrySet()) {
            String name = e.getKey();
            AttributeValue v = e.getValue();
            if (name.isEmpty() || name.length() > 256 || !name.matches("[A-Za-z0-9_.\\-]+") || name.startsWith(".")
                    || name.endsWith(".") || name.contains("..")
                    || name.toLowerCase(java.util.Locale.ROOT).startsWith("aws.")
                    || name.toLowerCase(java.util.Locale.ROOT).startsWith("amazon.")) {
                throw SnsErrors.invalidParameterValue("The message attribute name '" + name + "' is invalid.");
            }
            String type = v.dataType();
            if (!(type.equals("String") || type.equals("String.Array") || type.equals("Number") || type.equals("Binary")
                    || type.startsWith("String.") || type.startsWith("Number.") || type.startsWith("Binary."))) {
                throw SnsErrors.invalidParameterValue("The message attribute '" + name + "' has an invalid message"
                        + " attribute type, the set of supported type prefixes is Binary, Number, and String.");
            }
            if (v.binary()) {
                if (v.binaryValue() == null || v.binaryValue().length == 0) {
                    throw SnsErrors.invalidParameterValue("The message attribute '" + name + "' must contain non-empty"
                            + " message attribute value for message attribute type 'Binary'.");
                }
                continue;
            }
            if (v.stringValue() == null || v.stringValue().isEmpty()) {
                throw SnsErrors.invalidParameterValue("The message attribute '" + name + "' must contain non-empty"
                        + " message attribute value for message attribute type '" + type.split("\\.")[0] + "'.");
            }
            if (v.number()) {
                try {
                    new BigDecimal(v.stringValue().trim());
                } catch (NumberFormatException ex) {
                    throw SnsErrors.invalidParameterValue("Could not cast message attribute '" + name
                            + "' value to number.");
                }
            }
            if (type.equals("String.Array")) {
                try {
                    if (!JSON.readTree(v.stringValue()).isArray()) {
                        throw new java.io.IOException("not an array");
                    }
                } catch (java.io.IOException ex) {
                    throw SnsErrors.invalidParameter("Message attribute '" + name + "' of type String.Array must be a"
                            + " JSON array");
                }
            }
        }
        return attrs;
    }
}
