package io.ferrymq.aws.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.PolicyStatements;
import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.Inputs;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.vhost.QueueDeclaration;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** The queue-level actions: create, delete, find, list, attributes, purge, tags, permissions. */
final class SqsQueueActions {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PURGE_INTERVAL_MILLIS = 60_000;
    private static final Set<String> PERMISSION_ACTIONS = Set.of("*", "SendMessage", "ReceiveMessage", "DeleteMessage",
            "ChangeMessageVisibility", "GetQueueAttributes", "GetQueueUrl", "ListDeadLetterSourceQueues", "PurgeQueue",
            "ListQueueTags");
    /** Arguments of every queue SQS creates: no delivery limit (RedrivePolicy is applied by SQS itself on receive)
     *  and expired messages dropped rather than moved (a dead-letter exchange in the broker's reserved namespace,
     *  which never exists, routes nowhere). */
    static final String DISCARD_EXCHANGE = "amq.sqs.discard";

    private final AwsApiSettings settings;
    private final SqsQueues queues;
    private final Map<String, Long> lastPurge = new ConcurrentHashMap<>();

    SqsQueueActions(AwsApiSettings settings, SqsQueues queues) {
        this.settings = settings;
        this.queues = queues;
    }

    private QueueRegistry registry() {
        return queues.registry();
    }

    // ------------------------------------------------------------------ create / delete / find

    CompletableFuture<JsonNode> createQueue(JsonNode in, RequestContext ctx) {
        String name = Inputs.string(in, "QueueName");
        if (name == null) {
            throw SqsErrors.missing("QueueName");
        }
        Map<String, String> attrs = Inputs.stringMap(in, "Attributes");
        Map<String, String> tags = Inputs.stringMap(in, "tags");
        if (tags.isEmpty()) {
            tags = Inputs.stringMap(in, "Tags");
        }
        boolean fifoRequested = "true".equalsIgnoreCase(attrs.get("FifoQueue"));
        if (fifoRequested && !name.endsWith(".fifo")) {
            throw SqsErrors.invalidParameterValue("The name of a FIFO queue can only include alphanumeric characters,"
                    + " hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.");
        }
        if (!QueueRegistry.validName(name) || (name.endsWith(".fifo") && !fifoRequested)) {
            throw SqsErrors.invalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores."
                    + " 1 to 80 in length");
        }
        if ("false".equalsIgnoreCase(attrs.get("FifoQueue"))) {
            attrs.remove("FifoQueue");
        }
        String account = ctx.caller().accountId();
        String vhost = ctx.caller().vhost();
        String selfArn = queues.arn(ctx.caller().region(), account, name);
        QueueAttributes.validate(attrs, fifoRequested, true, settings.maxMessageBytes(),
                arn -> target(ctx, arn), selfArn);
        validateTags(tags, name, 0);
        QueueMeta existing = registry().find(ctx.session(vhost), name);
        if (existing != null) {
            Map<String, String> current = QueueAttributes.effective(existing, settings.maxMessageBytes());
            for (Map.Entry<String, String> e : attrs.entrySet()) {
                if (!equivalent(e.getKey(), e.getValue(), current.get(e.getKey()))) {
                    throw SqsErrors.queueNameExists(e.getKey());
                }
            }
            String url = queues.url(ctx, account, name);
            if (registry().stored(vhost, name)) {
                return CompletableFuture.completedFuture(object().put("QueueUrl", url));
            }
            // A queue another protocol made: SQS adopts it with these attributes.
            long now = System.currentTimeMillis();
            QueueMeta adopted = new QueueMeta(vhost, name, attrs, tags, now, now);
            return registry().put(adopted).thenApply(v -> object().put("QueueUrl", url));
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("x-delivery-limit", 0);
        args.put("x-dead-letter-exchange", DISCARD_EXCHANGE);
        if (fifoRequested) {
            args.put("x-deduplication-window", 300_000L);
        }
        long now = System.currentTimeMillis();
        Map<String, String> stored = new LinkedHashMap<>(attrs);
        if (fifoRequested) {
            stored.put("FifoQueue", "true");
        }
        QueueMeta meta = new QueueMeta(vhost, name, stored, tags, now, now);
        Session s = ctx.session();
        return s.admin().declareQueue(new QueueDeclaration(name, true, false, false, args, false))
                .exceptionally(t -> {
                    BrokerException e = BrokerException.from(t);
                    if (e.code() == ErrorCode.PRECONDITION_FAILED && s.admin().describeQueue(name).isPresent()) {
                        return null;
                    }
                    throw e;
                })
                .thenCompose(info -> registry().put(meta))
                .thenApply(v -> object().put("QueueUrl", queues.url(ctx, account, name)));
    }

    private static boolean equivalent(String name, String given, String current) {
        if (given == null || current == null) {
            return given == null && current == null;
        }
        if (given.equals(current)) {
            return true;
        }
        if (name.equals("Policy") || name.equals("RedrivePolicy") || name.equals("RedriveAllowPolicy")) {
            try {
                return JSON.readTree(given).equals(JSON.readTree(current));
            } catch (java.io.IOException e) {
                return false;
            }
        }
        return given.trim().equalsIgnoreCase(current.trim());
    }

    CompletableFuture<JsonNode> deleteQueue(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        return ctx.session(t.vhost()).admin().deleteQueue(t.name(), false, false)
                .thenCompose(n -> registry().forget(t.vhost(), t.name()))
                .thenApply(v -> null);
    }

    CompletableFuture<JsonNode> getQueueUrl(JsonNode in, RequestContext ctx) {
        String name = Inputs.string(in, "QueueName");
        if (name == null) {
            throw SqsErrors.missing("QueueName");
        }
        String owner = Inputs.string(in, "QueueOwnerAWSAccountId");
        String account = owner == null || owner.isEmpty() ? ctx.caller().accountId() : owner;
        SqsQueues.Target t = queues.byName(ctx, account, name);
        return done(object().put("QueueUrl", queues.url(ctx, t.account(), t.name())));
    }

    CompletableFuture<JsonNode> listQueues(JsonNode in, RequestContext ctx) {
        String prefix = Inputs.string(in, "QueueNamePrefix");
        Integer max = Inputs.integer(in, "MaxResults");
        if (max != null && (max < 1 || max > 1000)) {
            throw SqsErrors.invalidValue(max, "MaxResults", "MaxResults must be an integer between 1 and 1000.");
        }
        String after = token(Inputs.string(in, "NextToken"));
        List<String> names = new ArrayList<>();
        for (String n : registry().names(ctx.session(ctx.caller().vhost()))) {
            if ((prefix == null || n.startsWith(prefix)) && (after == null || n.compareTo(after) > 0)
                    && SqsAccess.listed(ctx, n)) {
                names.add(n);
            }
        }
        int limit = max == null ? 1000 : max;
        ObjectNode out = object();
        if (names.isEmpty()) {
            return done(out);
        }
        ArrayNode urls = out.putArray("QueueUrls");
        for (int i = 0; i < Math.min(limit, names.size()); i++) {
            urls.add(queues.url(ctx, ctx.caller().accountId(), names.get(i)));
        }
        if (max != null && names.size() > limit) {
            out.put("NextToken", nextToken(names.get(limit - 1)));
        }
        return done(out);
    }

    CompletableFuture<JsonNode> listDeadLetterSourceQueues(JsonNode in, RequestContext ctx) {
        SqsQueues.Target dlq = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        String dlqArn = queues.arn(ctx, dlq);
        Integer max = Inputs.integer(in, "MaxResults");
        if (max != null && (max < 1 || max > 1000)) {
            throw SqsErrors.invalidValue(max, "MaxResults", "MaxResults must be an integer between 1 and 1000.");
        }
        String after = token(Inputs.string(in, "NextToken"));
        List<String> names = new ArrayList<>();
        for (QueueRegistry.Entry e : sources(dlqArn, ctx)) {
            if (after == null || e.name().compareTo(after) > 0) {
                names.add(e.name());
            }
        }
        int limit = max == null ? 1000 : max;
        ObjectNode out = object();
        ArrayNode urls = out.putArray("queueUrls");
        for (int i = 0; i < Math.min(limit, names.size()); i++) {
            urls.add(queues.url(ctx, dlq.account(), names.get(i)));
        }
        if (max != null && names.size() > limit) {
            out.put("NextToken", nextToken(names.get(limit - 1)));
        }
        return done(out);
    }

    /** Queues whose redrive policy names this dead-letter queue. */
    List<QueueRegistry.Entry> sources(String dlqArn, RequestContext ctx) {
        List<QueueRegistry.Entry> out = new ArrayList<>();
        for (QueueMeta m : registry().all()) {
            QueueAttributes.Redrive r = QueueAttributes.redrive(m);
            if (r != null && r.deadLetterTargetArn().equals(dlqArn) && queues.findOrNull(ctx::session, m.vhost(), m.name()) != null) {
                out.add(new QueueRegistry.Entry(m.vhost(), m.name()));
            }
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    private static String token(String t) {
        if (t == null || t.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(t), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw SqsErrors.invalidValue(t, "NextToken", "Invalid or expired next token.");
        }
    }

    private static String nextToken(String lastName) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastName.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ attributes

    CompletableFuture<JsonNode> getQueueAttributes(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        List<String> names = Inputs.strings(in, "AttributeNames");
        for (String n : names) {
            if (!n.equals("All") && !QueueAttributes.known(n)) {
                throw SqsErrors.invalidAttributeName(n);
            }
        }
        boolean all = names.contains("All");
        ObjectNode out = object();
        if (names.isEmpty()) {
            return done(out);
        }
        Map<String, String> values = new LinkedHashMap<>(QueueAttributes.effective(t.meta(), settings.maxMessageBytes()));
        return ctx.session(t.vhost()).admin().queueStats(t.name()).thenApply(s -> {
            values.put("QueueArn", queues.arn(ctx, t));
            values.put("ApproximateNumberOfMessages", Long.toString(s.ready() + s.paged()));
            values.put("ApproximateNumberOfMessagesNotVisible", Long.toString(s.inFlight()));
            values.put("ApproximateNumberOfMessagesDelayed", Long.toString(s.scheduled()));
            values.put("CreatedTimestamp", Long.toString(t.meta().created() / 1000));
            values.put("LastModifiedTimestamp", Long.toString(t.meta().lastModified() / 1000));
            ObjectNode attrs = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, String> e : values.entrySet()) {
                if (all || names.contains(e.getKey())) {
                    attrs.put(e.getKey(), e.getValue());
                }
            }
            if (!attrs.isEmpty()) {
                out.set("Attributes", attrs);
            }
            return out;
        });
    }

    CompletableFuture<JsonNode> setQueueAttributes(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        Map<String, String> attrs = Inputs.stringMap(in, "Attributes");
        if (attrs.isEmpty() && in.get("Attributes") == null) {
            throw SqsErrors.missing("Attribute.1.Name");
        }
        QueueAttributes.validate(attrs, t.fifo(), false, settings.maxMessageBytes(), arn -> target(ctx, arn),
                queues.arn(ctx, t));
        return registry().put(t.meta().withAttributes(attrs, System.currentTimeMillis())).thenApply(v -> null);
    }

    private QueueMeta target(RequestContext ctx, String arn) {
        SqsQueues.Target t = queues.byArn(ctx, arn);
        return t == null ? null : t.meta();
    }

    CompletableFuture<JsonNode> purgeQueue(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        String key = QueueRegistry.key(t.vhost(), t.name());
        long now = System.currentTimeMillis();
        Long last = lastPurge.get(key);
        if (last != null && now - last < PURGE_INTERVAL_MILLIS) {
            throw SqsErrors.purgeInProgress(t.name());
        }
        lastPurge.put(key, now);
        // SQS purges messages in flight too: their receipt handles stop working.
        return ctx.session(t.vhost()).admin().purgeQueue(t.name(), true).thenApply(n -> null);
    }

    // ------------------------------------------------------------------ tags

    CompletableFuture<JsonNode> tagQueue(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        Map<String, String> add = Inputs.stringMap(in, "Tags");
        if (add.isEmpty()) {
            add = Inputs.stringMap(in, "tags");
        }
        if (add.isEmpty()) {
            throw SqsErrors.missing("Tags");
        }
        Map<String, String> tags = new LinkedHashMap<>(t.meta().tags());
        tags.putAll(add);
        validateTags(tags, t.name(), 0);
        return registry().put(t.meta().withTags(tags)).thenApply(v -> null);
    }

    CompletableFuture<JsonNode> untagQueue(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        List<String> keys = Inputs.strings(in, "TagKeys");
        if (keys.isEmpty()) {
            throw SqsErrors.missing("TagKeys");
        }
        Map<String, String> tags = new LinkedHashMap<>(t.meta().tags());
        keys.forEach(tags::remove);
        return registry().put(t.meta().withTags(tags)).thenApply(v -> null);
    }

    CompletableFuture<JsonNode> listQueueTags(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        ObjectNode out = object();
        if (!t.meta().tags().isEmpty()) {
            out.set("Tags", JSON.valueToTree(new java.util.TreeMap<>(t.meta().tags())));
        }
        return done(out);
    }

    private static void validateTags(Map<String, String> tags, String queue, int ignored) {
        if (tags.size() > 50) {
            throw SqsErrors.invalidParameterValue("Too many tags added for queue " + queue + ".");
        }
        for (Map.Entry<String, String> e : tags.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().length() > 128) {
                throw SqsErrors.invalidParameterValue("Tag keys must be between 1 and 128 characters in length.");
            }
            if (e.getValue() != null && e.getValue().length() > 256) {
                throw SqsErrors.invalidParameterValue("Tag values must be between 0 and 256 characters in length.");
            }
        }
    }

    // ------------------------------------------------------------------ permissions

    CompletableFuture<JsonNode> addPermission(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        String label = Inputs.string(in, "Label");
        if (label == null) {
            throw SqsErrors.missing("Label");
        }
        List<String> accounts = Inputs.strings(in, "AWSAccountIds");
        if (accounts.isEmpty()) {
            throw SqsErrors.missing("AWSAccountId");
        }
        List<String> actions = Inputs.strings(in, "Actions");
        if (actions.isEmpty()) {
            throw SqsErrors.missing("ActionName");
        }
        if (!label.matches("[A-Za-z0-9_-]{1,80}")) {
            throw SqsErrors.invalidValue(label, "Label", "Can only include alphanumeric characters, hyphens, or"
                    + " underscores. 1 to 80 in length");
        }
        for (String a : actions) {
            if (!PERMISSION_ACTIONS.contains(a)) {
                throw SqsErrors.invalidValue("SQS:" + a, "ActionName", "Please refer to the appropriate WSDL for a list"
                        + " of valid actions. ");
            }
        }
        String arn = queues.arn(ctx, t);
        ObjectNode policy = policy(t, arn);
        ArrayNode statements = (ArrayNode) policy.get("Statement");
        if (PolicyStatements.has(statements, label)) {
            throw SqsErrors.invalidValue(label, "Label", "Already exists.");
        }
        ObjectNode st = statements.addObject().put("Sid", label).put("Effect", "Allow");
        ArrayNode principals = st.putObject("Principal").putArray("AWS");
        accounts.forEach(a -> principals.add("arn:aws:iam::" + a + ":root"));
        ArrayNode acts = st.putArray("Action");
        actions.forEach(a -> acts.add("SQS:" + a));
        st.put("Resource", arn);
        return registry().put(t.meta().withAttributes(Map.of("Policy", policy.toString()), System.currentTimeMillis()))
                .thenApply(v -> null);
    }

    CompletableFuture<JsonNode> removePermission(JsonNode in, RequestContext ctx) {
        SqsQueues.Target t = queues.byUrl(ctx, Inputs.string(in, "QueueUrl"));
        String label = Inputs.string(in, "Label");
        if (label == null) {
            throw SqsErrors.missing("Label");
        }
        ObjectNode policy = policy(t, queues.arn(ctx, t));
        ArrayNode statements = (ArrayNode) policy.get("Statement");
        if (!PolicyStatements.remove(statements, label)) {
            throw SqsErrors.invalidValue(label, "Label", "can't find label on existing policy.");
        }
        String value = statements.isEmpty() ? "" : policy.toString();
        return registry().put(t.meta().withAttributes(Map.of("Policy", value), System.currentTimeMillis()))
                .thenApply(v -> null);
    }

    private static ObjectNode policy(SqsQueues.Target t, String arn) {
        String current = t.meta().attribute("Policy");
        ObjectNode p = null;
        if (current != null && !current.isEmpty()) {
            try {
                JsonNode n = JSON.readTree(current);
                if (n.isObject()) {
                    p = (ObjectNode) n;
                }
            } catch (java.io.IOException ignored) {
                p = null;
            }
        }
        if (p == null) {
            p = object().put("Version", "2012-10-17").put("Id", arn + "/SQSDefaultPolicy");
        }
        if (!(p.get("Statement") instanceof ArrayNode)) {
            JsonNode single = p.get("Statement");
            ArrayNode a = p.putArray("Statement");
            if (single != null && single.isObject()) {
                a.add(single);
            }
        }
        return p;
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static CompletableFuture<JsonNode> done(JsonNode n) {
        return CompletableFuture.completedFuture(n);
    }

    static AwsError unused() {
        return null;
    }
}
