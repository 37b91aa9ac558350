package io.ferrymq.aws.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.Arn;
import io.ferrymq.aws.PolicyStatements;
import io.ferrymq.aws.wire.Inputs;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Admin;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.vhost.ExchangeDeclaration;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Topic actions: create, delete, list, attributes, tags and permissions. A topic is a fanout exchange;
 * it is declared non-durable because the SNS module keeps topics (and re-creates the exchange and its
 * subscriptions' bindings when it starts), so that the broker never has to recover a binding whose
 * filter language is only registered once this module runs.
 */
final class SnsTopics {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 100;
    static final Set<String> SETTABLE = Set.of("Policy", "DisplayName", "DeliveryPolicy", "KmsMasterKeyId",
            "SignatureVersion", "TracingConfig", "ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope",
            "DataProtectionPolicy", "HTTPSuccessFeedbackRoleArn", "HTTPFailureFeedbackRoleArn",
            "HTTPSuccessFeedbackSampleRate", "SQSSuccessFeedbackRoleArn", "SQSFailureFeedbackRoleArn",
            "SQSSuccessFeedbackSampleRate");

    private final SnsRegistry registry;
    private final Consumer<TopicMeta> onDelete;

    SnsTopics(SnsRegistry registry, Consumer<TopicMeta> onDelete) {
        this.registry = registry;
        this.onDelete = onDelete;
    }

    /**
     * AWS's topic name characters, plus dots between words: FerryMQ's extension, so that an SNS topic may carry a
     * broker topic name such as {@code orders.eu} (see {@link SnsPublisher}); the other rules are AWS's.
     */
    static final String DOTTED_WORDS = "[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*";

    /** Whether a standard topic's publishes also go to the broker topic of its name (a name with a dot). */
    static boolean isBrokerTopicName(TopicMeta t) {
        return !t.fifo() && t.name().indexOf('.') >= 0;
    }

    static String arn(RequestContext ctx, String name) {
        return Arn.of("sns", ctx.caller().region(), ctx.caller().accountId(), name).toString();
    }

    TopicMeta require(String arn) {
        if (arn == null || arn.isEmpty()) {
            throw SnsErrors.invalidParameter("TopicArn");
        }
        Arn a = Arn.parse(arn);
        if (a == null || !a.service().equals("sns")) {
            throw SnsErrors.invalidParameter("TopicArn");
        }
        TopicMeta t = registry.topic(arn);
        if (t == null) {
            throw SnsErrors.topicNotFound();
        }
        return t;
    }

    CompletableFuture<JsonNode> create(JsonNode in, RequestContext ctx) {
        String name = Inputs.string(in, "Name");
        if (name == null) {
            throw SnsErrors.invalidParameter("Topic Name");
        }
        Map<String, String> attrs = Inputs.stringMap(in, "Attributes");
        boolean fifo = "true".equalsIgnoreCase(attrs.get("FifoTopic"));
        if (fifo || name.endsWith(".fifo")) {
            if (!fifo || name.length() > 256 || !name.matches(DOTTED_WORDS + "\\.fifo")) {
                throw SnsErrors.invalidParameter("Fifo Topic names must end with .fifo and must be made up of only"
                        + " uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be"
                        + " between 1 and 256 characters long.");
            }
        } else if (name.length() > 256 || !name.matches(DOTTED_WORDS)) {
            throw SnsErrors.invalidParameter("Topic Name");
        }
        attrs.remove("FifoTopic");
        for (Map.Entry<String, String> e : attrs.entrySet()) {
            validateAttribute(e.getKey(), e.getValue(), fifo);
        }
        if (fifo) {
            attrs.put("FifoTopic", "true");
        }
        Map<String, String> tags = tags(in.get("Tags"));
        validateTags(tags);
        String arn = arn(ctx, name);
        TopicMeta existing = registry.topic(arn);
        if (existing != null) {
            for (Map.Entry<String, String> e : attrs.entrySet()) {
                if (!e.getValue().equals(existing.attributes().get(e.getKey()))) {
                    throw SnsErrors.invalidParameter("Attributes Reason: Topic already exists with different attributes");
                }
            }
            return CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode().put("TopicArn", arn));
        }
        TopicMeta t = new TopicMeta(ctx.caller().vhost(), name, arn, ctx.caller().accountId(), attrs, tags,
                System.currentTimeMillis());
        return ctx.session().admin().declareExchange(declaration(name))
                .thenCompose(v -> registry.put(t))
                .thenApply(v -> JsonNodeFactory.instance.objectNode().put("TopicArn", arn));
    }

    static ExchangeDeclaration declaration(String name) {
        return new ExchangeDeclaration(name, ExchangeType.FANOUT, false, false, false, Map.of(), false);
    }

    /** Re-creates a topic's exchange at start (on the start-up thread, which may wait). */
    static void restore(Admin admin, TopicMeta t) {
        if (!admin.exchangeExists(t.name())) {
            admin.declareExchange(declaration(t.name())).join();
        }
    }

    CompletableFuture<JsonNode> delete(JsonNode in, RequestContext ctx) {
        String arn = Inputs.string(in, "TopicArn");
        if (arn == null) {
            throw SnsErrors.invalidParameter("TopicArn");
        }
        TopicMeta t = registry.topic(arn);
        if (t == null) {
            return CompletableFuture.completedFuture(null);
        }
        onDelete.accept(t);
        CompletableFuture<Void> dropped = !ctx.session().admin().exchangeExists(t.name())
                ? CompletableFuture.completedFuture(null)
                : ctx.session().admin().deleteExchange(t.name(), false);
        return dropped.thenCompose(v -> registry.remove(t)).thenApply(v -> null);
    }

    CompletableFuture<JsonNode> list(JsonNode in, RequestContext ctx) {
        String after = token(Inputs.string(in, "NextToken"));
        List<TopicMeta> all = registry.topics(ctx.caller().vhost());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode topics = out.putArray("Topics");
        int n = 0;
        String last = null;
        boolean more = false;
        for (TopicMeta t : all) {
            if ((after != null && t.arn().compareTo(after) <= 0) || !SnsAccess.listed(ctx, t)) {
                continue;
            }
            if (n == PAGE) {
                more = true;
                break;
            }
            topics.addObject().put("TopicArn", t.arn());
            last = t.arn();
            n++;
        }
        if (more) {
            out.put("NextToken", nextToken(last));
        }
        return CompletableFuture.completedFuture(out);
    }

    CompletableFuture<JsonNode> getAttributes(JsonNode in, RequestContext ctx, SnsRegistry reg) {
        TopicMeta t = require(Inputs.string(in, "TopicArn"));
        Map<String, String> a = new LinkedHashMap<>();
        a.put("TopicArn", t.arn());
        a.put("Owner", t.owner());
        a.put("Policy", t.attribute("Policy") != null ? t.attribute("Policy") : defaultPolicy(t));
        a.put("DisplayName", t.attribute("DisplayName") != null ? t.attribute("DisplayName") : "");
        int confirmed = 0;
        int pending = 0;
        for (SubscriptionMeta s : reg.subscriptionsOf(t.arn())) {
            if (s.confirmed()) {
                confirmed++;
            } else {
                pending++;
            }
        }
        a.put("SubscriptionsConfirmed", Integer.toString(confirmed));
        a.put("SubscriptionsPending", Integer.toString(pending));
        a.put("SubscriptionsDeleted", "0");
        a.put("EffectiveDeliveryPolicy", t.attribute("DeliveryPolicy") != null ? t.attribute("DeliveryPolicy")
                : "{\"http\":{\"defaultHealthyRetryPolicy\":{\"minDelayTarget\":20,\"maxDelayTarget\":20,"
                + "\"numRetries\":3,\"numMaxDelayRetries\":0,\"numNoDelayRetries\":0,\"numMinDelayRetries\":0,"
                + "\"backoffFunction\":\"linear\"},\"disableSubscriptionOverrides\":false,"
                + "\"defaultRequestPolicy\":{\"headerContentType\":\"text/plain; charset=UTF-8\"}}}");
        if (t.fifo()) {
            a.put("FifoTopic", "true");
            a.put("ContentBasedDeduplication", t.attribute("ContentBasedDeduplication") != null
                    ? t.attribute("ContentBasedDeduplication") : "false");
        }
        for (Map.Entry<String, String> e : t.attributes().entrySet()) {
            a.putIfAbsent(e.getKey(), e.getValue());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("Attributes", JSON.valueToTree(a));
        return CompletableFuture.completedFuture(out);
    }

    private static String defaultPolicy(TopicMeta t) {
        ObjectNode p = JSON.createObjectNode().put("Version", "2008-10-17").put("Id", "__default_policy_ID");
        ObjectNode s = p.putArray("Statement").addObject().put("Sid", "__default_statement_ID").put("Effect", "Allow");
        s.putObject("Principal").put("AWS", "*");
        ArrayNode actions = s.putArray("Action");
        for (String a : List.of("GetTopicAttributes", "SetTopicAttributes", "AddPermission", "RemovePermission",
                "DeleteTopic", "Subscribe", "ListSubscriptionsByTopic", "Publish")) {
            actions.add("SNS:" + a);
        }
        s.put("Resource", t.arn());
        s.putObject("Condition").putObject("StringEquals").put("AWS:SourceOwner", t.owner());
        return p.toString();
    }

    CompletableFuture<JsonNode> setAttributes(JsonNode in, RequestContext ctx) {
        TopicMeta t = require(Inputs.string(in, "TopicArn"));
        String name = Inputs.string(in, "AttributeName");
        if (name == null) {
            throw SnsErrors.invalidParameter("AttributeName");
        }
        String value = Inputs.string(in, "AttributeValue");
        validateAttribute(name, value == null ? "" : value, t.fifo());
        return registry.put(t.withAttribute(name, value)).thenApply(v -> null);
    }

    private static void validateAttribute(String name, String value, boolean fifo) {
        if (!SETTABLE.contains(name) || (!fifo && (name.equals("ContentBasedDeduplication")
                || name.equals("FifoThroughputScope")))) {
            throw SnsErrors.invalidParameter("AttributeName");
        }
        switch (name) {
            case "SignatureVersion" -> {
                if (!value.equals("1") && !value.equals("2")) {
                    throw SnsErrors.invalidParameter("SignatureVersion");
                }
            }
            case "ContentBasedDeduplication" -> {
                if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    throw SnsErrors.invalidParameter("ContentBasedDeduplication");
                }
            }
            case "DisplayName" -> {
                if (value.length() > 100) {
                    throw SnsErrors.invalidParameter("DisplayName");
                }
            }
            case "Policy" -> json(name, value);
            case "DeliveryPolicy" -> {
                json(name, value);
                String problem = value.isEmpty() ? null : RetryPolicy.problem(value, false);
                if (problem != null) {
                    throw SnsErrors.invalidParameter(problem);
                }
            }
            default -> { }
        }
    }

    private static void json(String name, String value) {
        if (value.isEmpty()) {
            return;
        }
        try {
            if (!JSON.readTree(value).isObject()) {
                throw SnsErrors.invalidParameter(name + ": failed to parse JSON.");
            }
        } catch (java.io.IOException e) {
            throw SnsErrors.invalidParameter(name + ": failed to parse JSON.");
        }
    }

    // ------------------------------------------------------------------ tags

    static Map<String, String> tags(JsonNode list) {
        Map<String, String> out = new LinkedHashMap<>();
        if (list != null && list.isArray()) {
            for (JsonNode t : list) {
                out.put(t.path("Key").asText(), t.path("Value").asText(""));
            }
        }
        return out;
    }

    static void validateTags(Map<String, String> tags) {
        if (tags.size() > 50) {
            throw io.ferrymq.aws.wire.AwsError.badRequest("TagLimitExceeded",
                    "Could not complete request: tag quota of per resource exceeded");
        }
        for (Map.Entry<String, String> e : tags.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().length() > 128 || e.getValue().length() > 256) {
                throw SnsErrors.invalidParameter("Tags");
            }
        }
    }

    CompletableFuture<JsonNode> tagResource(JsonNode in, RequestContext ctx) {
        TopicMeta t = resource(Inputs.string(in, "ResourceArn"));
        Map<String, String> tags = new LinkedHashMap<>(t.tags());
        Map<String, String> add = tags(in.get("Tags"));
        if (add.isEmpty()) {
            throw SnsErrors.invalidParameter("Tags");
        }
        tags.putAll(add);
        validateTags(tags);
        return registry.put(t.withTags(tags)).thenApply(v -> null);
    }

    CompletableFuture<JsonNode> untagResource(JsonNode in, RequestContext ctx) {
        TopicMeta t = resource(Inputs.string(in, "ResourceArn"));
        Map<String, String> tags = new LinkedHashMap<>(t.tags());
        Inputs.strings(in, "TagKeys").forEach(tags::remove);
        return registry.put(t.withTags(tags)).thenApply(v -> null);
    }

    CompletableFuture<JsonNode> listTags(JsonNode in, RequestContext ctx) {
        TopicMeta t = resource(Inputs.string(in, "ResourceArn"));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode tags = out.putArray("Tags");
        new java.util.TreeMap<>(t.tags()).forEach((k, v) -> tags.addObject().put("Key", k).put("Value", v));
        return CompletableFuture.completedFuture(out);
    }

    private TopicMeta resource(String arn) {
        if (arn == null) {
            throw SnsErrors.invalidParameter("ResourceArn");
        }
        TopicMeta t = registry.topic(arn);
        if (t == null) {
            throw SnsErrors.resourceNotFound();
        }
        return t;
    }

    // ------------------------------------------------------------------ permissions

    CompletableFuture<JsonNode> addPermission(JsonNode in, RequestContext ctx) {
        TopicMeta t = require(Inputs.string(in, "TopicArn"));
        String label = Inputs.string(in, "Label");
        List<String> accounts = Inputs.strings(in, "AWSAccountId");
        List<String> actions = Inputs.strings(in, "ActionName");
        if (label == null || label.isEmpty()) {
            throw SnsErrors.invalidParameter("Label");
        }
        if (accounts.isEmpty()) {
            throw SnsErrors.invalidParameter("AWSAccountId");
        }
        if (actions.isEmpty()) {
            throw SnsErrors.invalidParameter("ActionName");
        }
        ObjectNode policy = policy(t);
        ArrayNode statements = (ArrayNode) policy.get("Statement");
        if (PolicyStatements.has(statements, label)) {
            throw SnsErrors.invalidParameter("Statement already exists");
        }
        ObjectNode st = statements.addObject().put("Sid", label).put("Effect", "Allow");
        ArrayNode principals = st.putObject("Principal").putArray("AWS");
        accounts.forEach(a -> principals.add("arn:aws:iam::" + a + ":root"));
        ArrayNode acts = st.putArray("Action");
        actions.forEach(a -> acts.add("SNS:" + a));
        st.put("Resource", t.arn());
        return registry.put(t.withAttribute("Policy", policy.toString())).thenApply(v -> null);
    }

    CompletableFuture<JsonNode> removePermission(JsonNode in, RequestContext ctx) {
        TopicMeta t = require(Inputs.string(in, "TopicArn"));
        String label = Inputs.string(in, "Label");
        if (label == null || label.isEmpty()) {
            throw SnsErrors.invalidParameter("Label");
        }
        ObjectNode policy = policy(t);
        ArrayNode statements = (ArrayNode) policy.get("Statement");
        if (!PolicyStatements.remove(statements, label)) {
            throw SnsErrors.invalidParameter("Label");
        }
        return registry.put(t.withAttribute("Policy", policy.toString())).thenApply(v -> null);
    }

    private static ObjectNode policy(TopicMeta t) {
        String current = t.attribute("Policy") != null ? t.attribute("Policy") : defaultPolicy(t);
        try {
            JsonNode n = JSON.readTree(current);
            if (n instanceof ObjectNode o && o.get("Statement") instanceof ArrayNode) {
                return o;
            }
        } catch (java.io.IOException ignored) {
            // Replaced below.
        }
        ObjectNode p = JSON.createObjectNode().put("Version", "2008-10-17");
        p.putArray("Statement");
        return p;
    }

    // ------------------------------------------------------------------ paging

    static String token(String t) {
        if (t == null || t.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(t), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw SnsErrors.invalidParameter("NextToken");
        }
    }

    static String nextToken(String last) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8));
    }

    static List<String> none() {
        return new ArrayList<>();
    }
}
