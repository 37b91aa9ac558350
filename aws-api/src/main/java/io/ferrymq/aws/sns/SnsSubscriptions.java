package io.ferrymq.aws.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.Arn;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.sqs.SqsQueues;
import io.ferrymq.aws.wire.Inputs;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Admin;
import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Subscription actions. {@code sqs} and {@code ferrymq} queue endpoints become bindings from the
 * topic's exchange to the queue, with the filter policy as the binding's filter; {@code http}/{@code https}
 * endpoints get a durable delivery queue, bound once the endpoint confirms; {@code ferrymq} exchange
 * endpoints ({@code exchange/E/KEY}, {@code topic/KEY} for {@code amq.topic}) are republished to by the
 * publisher.
 */
final class SnsSubscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(SnsSubscriptions.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 100;
    static final Set<String> SETTABLE = Set.of("DeliveryPolicy", "FilterPolicy", "FilterPolicyScope",
            "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy");
    static final String NATIVE = "ferrymq";

    /** Where a ferrymq subscription delivers. */
    record NativeTarget(String queue, String exchange, String key) { }

    private final AwsApiSettings settings;
    private final SnsRegistry registry;
    private final SnsTopics topics;
    private final HttpDeliveries http;
    private final Map<String, FilterPolicy> compiled = new ConcurrentHashMap<>();
    private volatile SqsQueues sqs;

    SnsSubscriptions(AwsApiSettings settings, SnsRegistry registry, SnsTopics topics, HttpDeliveries http) {
        this.settings = settings;
        this.registry = registry;
        this.topics = topics;
        this.http = http;
    }

    void attach(SqsQueues queues) {
        this.sqs = queues;
    }

    static String baseUrl(AwsApiSettings settings, RequestContext ctx) {
        return settings.publicBaseUrl() != null ? settings.publicBaseUrl() : ctx.request().baseUrl();
    }

    // ------------------------------------------------------------------ subscribe

    CompletableFuture<JsonNode> subscribe(JsonNode in, RequestContext ctx) {
        TopicMeta topic = topics.require(Inputs.string(in, "TopicArn"));
        String protocol = Inputs.string(in, "Protocol");
        if (protocol == null || protocol.isEmpty()) {
            throw SnsErrors.invalidParameter("Protocol");
        }
        protocol = protocol.toLowerCase(java.util.Locale.ROOT);
        if (!Set.of("sqs", "http", "https", NATIVE).contains(protocol)) {
            throw SnsErrors.invalidParameter("Amazon SNS does not support this protocol string: " + protocol);
        }
        String endpoint = Inputs.string(in, "Endpoint");
        if (endpoint == null || endpoint.isEmpty()) {
            throw SnsErrors.invalidParameter("Endpoint");
        }
        Map<String, String> attrs = Inputs.stringMap(in, "Attributes");
        String scope = FilterPolicy.language(attrs.get("FilterPolicyScope"));
        for (Map.Entry<String, String> e : attrs.entrySet()) {
            validateAttribute(e.getKey(), e.getValue() == null ? "" : e.getValue(), protocol, scope);
        }
        checkEndpoint(ctx, topic, protocol, endpoint);
        for (SubscriptionMeta s : registry.subscriptionsOf(topic.arn())) {
            if (s.protocol().equals(protocol) && s.endpoint().equals(endpoint)) {
                for (Map.Entry<String, String> e : attrs.entrySet()) {
                    if (!e.getValue().equals(s.attribute(e.getKey()))) {
                        throw SnsErrors.invalidParameter("Attributes Reason: Subscription already exists with"
                                + " different attributes");
                    }
                }
                return CompletableFuture.completedFuture(result(s, Inputs.bool(in, "ReturnSubscriptionArn", false)));
            }
        }
        String id = UUID.randomUUID().toString();
        boolean http = protocol.equals("http") || protocol.equals("https");
        byte[] tokenBytes = new byte[64];
        new SecureRandom().nextBytes(tokenBytes);
        SubscriptionMeta s = new SubscriptionMeta(id, topic.arn() + ":" + id, topic.vhost(), topic.name(), topic.arn(),
                ctx.caller().accountId(), protocol, endpoint, ctx.caller().principal().name(), attrs, !http,
                http ? HexFormat.of().formatHex(tokenBytes) : null, baseUrl(settings, ctx));
        CompletableFuture<Void> ready;
        if (http) {
            ready = registry.put(s).thenRun(() -> this.http.requestConfirmation(s, 0));
        } else {
            ready = bind(ctx.session(), s).thenCompose(v -> registry.put(s));
        }
        boolean returnArn = Inputs.bool(in, "ReturnSubscriptionArn", false);
        return ready.thenApply(v -> result(s, returnArn));
    }

    private static JsonNode result(SubscriptionMeta s, boolean returnArn) {
        return JsonNodeFactory.instance.objectNode().put("SubscriptionArn",
                s.confirmed() || returnArn ? s.arn() : "pending confirmation");
    }

    private void checkEndpoint(RequestContext ctx, TopicMeta topic, String protocol, String endpoint) {
        switch (protocol) {
            case "sqs" -> {
                Arn arn = Arn.parse(endpoint);
                if (arn == null || !arn.service().equals("sqs")) {
                    throw SnsErrors.invalidParameter("SQS endpoint ARN");
                }
                SqsQueues.Target q = sqs == null ? null : sqs.byArn(ctx, endpoint);
                if (q == null) {
                    throw SnsErrors.invalidParameter("Endpoint Reason: no SQS queue " + endpoint);
                }
                if (!q.vhost().equals(topic.vhost())) {
                    throw SnsErrors.invalidParameter("Endpoint Reason: the queue is in another account's virtual host");
                }
                if (q.fifo() && !topic.fifo()) {
                    throw SnsErrors.invalidParameter("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be"
                            + " subscribed to standard SNS topics");
                }
            }
            case "http", "https" -> {
                if (!endpoint.toLowerCase(java.util.Locale.ROOT).startsWith(protocol + "://")) {
                    throw SnsErrors.invalidParameter("Endpoint must match the specified protocol");
                }
                try {
                    java.net.URI.create(endpoint).toURL();
                } catch (IllegalArgumentException | java.net.MalformedURLException e) {
                    throw SnsErrors.invalidParameter("Endpoint");
                }
            }
            default -> {
                NativeTarget t = nativeTarget(endpoint);
                if (t.exchange() != null && !ctx.session().admin().exchangeExists(t.exchange())) {
                    throw SnsErrors.invalidParameter("Endpoint Reason: no exchange '" + t.exchange() + "'");
                }
            }
        }
    }

    /** Parses a {@code ferrymq} endpoint: {@code queue/NAME}, {@code exchange/NAME[/KEY]} or {@code topic/KEY}. */
    static NativeTarget nativeTarget(String endpoint) {
        int slash = endpoint.indexOf('/');
        String kind = slash < 0 ? "" : endpoint.substring(0, slash);
        String rest = slash < 0 ? "" : endpoint.substring(slash + 1);
        switch (kind) {
            case "queue" -> {
                if (!rest.isEmpty()) {
                    return new NativeTarget(rest, null, null);
                }
            }
            case "topic" -> {
                if (!rest.isEmpty()) {
                    return new NativeTarget(null, Route.TOPIC_EXCHANGE, rest);
                }
            }
            case "exchange" -> {
                int s = rest.indexOf('/');
                String e = s < 0 ? rest : rest.substring(0, s);
                if (!e.isEmpty()) {
                    return new NativeTarget(null, e, s < 0 ? "" : rest.substring(s + 1));
                }
            }
            default -> { }
        }
        throw SnsErrors.invalidParameter("Endpoint Reason: a ferrymq endpoint is queue/NAME, exchange/NAME/KEY or"
                + " topic/KEY");
    }

    /** Creates the binding (or delivery queue and binding) of a confirmed subscription, checked as the caller. */
    private CompletableFuture<Void> bind(Session session, SubscriptionMeta s) {
        String queue = boundQueue(s);
        if (queue == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<?> exists = CompletableFuture.completedFuture(null);
        if (s.http()) {
            exists = session.admin().declareQueue(deliveryQueue(s));
        } else if (session.admin().describeQueue(queue).isEmpty()) {
            exists = session.admin().declareQueue(QueueDeclaration.durable(queue));
        }
        return exists.thenCompose(v -> session.admin().bind(binding(s, queue)));
    }

    private static QueueDeclaration deliveryQueue(SubscriptionMeta s) {
        return new QueueDeclaration(s.deliveryQueue(), true, false, false,
                Map.of("x-delivery-limit", 0, "x-dead-letter-exchange", "amq.sqs.discard"), false);
    }

    /** The queue a subscription's binding targets, or null for exchange endpoints and pending subscriptions. */
    private String boundQueue(SubscriptionMeta s) {
        if (!s.confirmed()) {
            return null;
        }
        if (s.http()) {
            return s.deliveryQueue();
        }
        if (s.protocol().equals("sqs")) {
            return Arn.parse(s.endpoint()).resource();
        }
        return nativeTarget(s.endpoint()).queue();
    }

    private static BindingDeclaration binding(SubscriptionMeta s, String queue) {
        String policy = s.attribute("FilterPolicy");
        FilterSpec filter = policy == null || policy.isEmpty() ? null
                : new FilterSpec(FilterPolicy.language(s.attribute("FilterPolicyScope")), policy);
        return new BindingDeclaration(s.topicName(), BindingTarget.Kind.QUEUE, queue, "sns:" + s.id(), Map.of(), filter);
    }

    /** Re-creates a subscription's binding and delivery worker when the module starts (the thread may wait). */
    void restore(Admin admin, SubscriptionMeta s) {
        String queue = boundQueue(s);
        if (queue == null) {
            if (s.http() && !s.confirmed()) {
                LOG.debug("SNS subscription {} is still waiting for confirmation", s.arn());
            }
            return;
        }
        try {
            if (s.http() && !admin.queueExists(queue)) {
                admin.declareQueue(deliveryQueue(s)).join();
            }
            if (!admin.queueExists(queue)) {
                LOG.warn("SNS subscription {}: its queue '{}' no longer exists; nothing is delivered to it", s.arn(), queue);
                return;
            }
            admin.bind(binding(s, queue)).join();
            if (s.http()) {
                http.start(s);
            }
        } catch (BrokerException | CompletionException e) {
            LOG.warn("SNS subscription {} could not be restored: {}", s.arn(), BrokerException.from(e).getMessage());
        }
    }

    // ------------------------------------------------------------------ confirm / unsubscribe

    CompletableFuture<JsonNode> confirm(JsonNode in, RequestContext ctx, AdminLookup vhosts, Sessions sessions) {
        String topicArn = Inputs.string(in, "TopicArn");
        String token = Inputs.string(in, "Token");
        if (topicArn == null) {
            throw SnsErrors.invalidParameter("TopicArn");
        }
        if (token == null || token.isEmpty()) {
            throw SnsErrors.invalidParameter("Token");
        }
        topics.require(topicArn);
        for (SubscriptionMeta s : registry.subscriptionsOf(topicArn)) {
            if (token.equals(s.token())) {
                if (s.confirmed()) {
                    return CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode()
                            .put("SubscriptionArn", s.arn()));
                }
                SubscriptionMeta confirmed = s.confirm();
                Session session = sessions.of(s.vhost(), s.user());
                return bind(session, confirmed).thenCompose(v -> registry.put(confirmed)).thenApply(v -> {
                    http.start(confirmed);
                    return (JsonNode) JsonNodeFactory.instance.objectNode().put("SubscriptionArn", confirmed.arn());
                });
            }
        }
        throw SnsErrors.invalidParameter("Token");
    }

    /** Opens sessions as a subscription's user (for anonymous confirmation links). */
    interface Sessions {
        Session of(String vhost, String user);
    }

    /** The broker's own administration in a virtual host (null when it is gone). */
    interface AdminLookup {
        Admin of(String vhost);
    }

    CompletableFuture<JsonNode> unsubscribe(JsonNode in, RequestContext ctx, AdminLookup vhosts) {
        String arn = Inputs.string(in, "SubscriptionArn");
        if (arn == null || arn.isEmpty()) {
            throw SnsErrors.invalidParameter("SubscriptionArn");
        }
        SubscriptionMeta s = registry.subscription(arn);
        if (s == null) {
            throw SnsErrors.notFound("Subscription does not exist");
        }
        return remove(s, vhosts).thenApply(v -> null);
    }

    /** Removes a subscription: its worker, binding, delivery queue and record. */
    CompletableFuture<Void> remove(SubscriptionMeta s, AdminLookup vhosts) {
        compiled.remove(s.arn());
        if (s.http()) {
            http.stop(s.arn());
        }
        Admin admin = vhosts.of(s.vhost());
        if (admin == null) {
            return registry.remove(s);
        }
        String queue = boundQueue(s);
        CompletableFuture<Void> unbound = CompletableFuture.completedFuture(null);
        if (queue != null && admin.queueExists(queue) && admin.exchangeExists(s.topicName())) {
            unbound = admin.unbind(binding(s, queue)).exceptionally(e -> {
                LOG.debug("SNS subscription {}: binding already gone: {}", s.arn(), BrokerException.from(e).getMessage());
                return null;
            });
        }
        CompletableFuture<Void> dropped = unbound;
        if (s.http() && admin.queueExists(s.deliveryQueue())) {
            dropped = unbound.thenCompose(v -> admin.deleteQueue(s.deliveryQueue(), false, false)).thenApply(n -> null);
        }
        return dropped.thenCompose(v -> registry.remove(s));
    }

    // ------------------------------------------------------------------ listing and attributes

    CompletableFuture<JsonNode> list(JsonNode in, RequestContext ctx, String topicArn) {
        List<SubscriptionMeta> all = topicArn == null ? registry.subscriptions() : registry.subscriptionsOf(topicArn);
        String after = SnsTopics.token(Inputs.string(in, "NextToken"));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("Subscriptions");
        int n = 0;
        String last = null;
        boolean more = false;
        for (SubscriptionMeta s : all) {
            if (!s.vhost().equals(ctx.caller().vhost()) || (after != null && s.arn().compareTo(after) <= 0)
                    || !SnsAccess.listed(ctx, registry.topic(s.topicArn()))) {
                continue;
            }
            if (n == PAGE) {
                more = true;
                break;
            }
            list.addObject().put("SubscriptionArn", s.confirmed() ? s.arn() : "PendingConfirmation")
                    .put("Owner", s.owner()).put("Protocol", s.protocol()).put("Endpoint", s.endpoint())
                    .put("TopicArn", s.topicArn());
            last = s.arn();
            n++;
        }
        if (more) {
            out.put("NextToken", SnsTopics.nextToken(last));
        }
        return CompletableFuture.completedFuture(out);
    }

    SubscriptionMeta require(String arn) {
        if (arn == null || arn.isEmpty()) {
            throw SnsErrors.invalidParameter("SubscriptionArn");
        }
        SubscriptionMeta s = registry.subscription(arn);
        if (s == null) {
            throw SnsErrors.notFound("Subscription does not exist");
        }
        return s;
    }

    CompletableFuture<JsonNode> getAttributes(JsonNode in, RequestContext ctx) {
        SubscriptionMeta s = require(Inputs.string(in, "SubscriptionArn"));
        Map<String, String> a = new LinkedHashMap<>();
        a.put("SubscriptionArn", s.arn());
        a.put("TopicArn", s.topicArn());
        a.put("Owner", s.owner());
        a.put("Protocol", s.protocol());
        a.put("Endpoint", s.endpoint());
        a.put("ConfirmationWasAuthenticated", Boolean.toString(!s.http()));
        a.put("PendingConfirmation", Boolean.toString(!s.confirmed()));
        a.put("RawMessageDelivery", Boolean.toString(s.raw()));
        if (s.http()) {
            TopicMeta t = registry.topic(s.topicArn());
            RetryPolicy p = RetryPolicy.of(s, t);
            a.put("EffectiveDeliveryPolicy", "{\"healthyRetryPolicy\":{\"minDelayTarget\":" + p.minDelayTarget()
                    + ",\"maxDelayTarget\":" + p.maxDelayTarget() + ",\"numRetries\":" + p.numRetries()
                    + ",\"numMaxDelayRetries\":" + p.numMaxDelayRetries() + ",\"numNoDelayRetries\":"
                    + p.numNoDelayRetries() + ",\"numMinDelayRetries\":" + p.numMinDelayRetries()
                    + ",\"backoffFunction\":\"" + p.backoffFunction() + "\"}}");
        }
        if (s.attribute("FilterPolicy") != null) {
            a.put("FilterPolicyScope", s.attribute("FilterPolicyScope") != null ? s.attribute("FilterPolicyScope")
                    : "MessageAttributes");
        }
        for (Map.Entry<String, String> e : s.attributes().entrySet()) {
            a.put(e.getKey(), e.getValue());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("Attributes", JSON.valueToTree(a));
        return CompletableFuture.completedFuture(out);
    }

    CompletableFuture<JsonNode> setAttributes(JsonNode in, RequestContext ctx) {
        SubscriptionMeta s = require(Inputs.string(in, "SubscriptionArn"));
        String name = Inputs.string(in, "AttributeName");
        if (name == null || name.isEmpty()) {
            throw SnsErrors.invalidParameter("AttributeName");
        }
        String value = Inputs.string(in, "AttributeValue");
        validateAttribute(name, value == null ? "" : value, s.protocol());
        SubscriptionMeta changed = s.withAttribute(name, value);
        if (name.equals("FilterPolicyScope") && changed.attribute("FilterPolicy") != null) {
            validateAttribute("FilterPolicy", changed.attribute("FilterPolicy"), s.protocol(),
                    FilterPolicy.language(value));
        }
        compiled.remove(s.arn());
        CompletableFuture<Void> rebound = CompletableFuture.completedFuture(null);
        String queue = boundQueue(changed);
        if (queue != null && (name.equals("FilterPolicy") || name.equals("FilterPolicyScope"))) {
            rebound = ctx.session().admin().bind(binding(changed, queue));
        }
        return rebound.thenCompose(v -> registry.put(changed)).thenApply(v -> null);
    }

    private void validateAttribute(String name, String value, String protocol) {
        validateAttribute(name, value, protocol, null);
    }

    private void validateAttribute(String name, String value, String protocol, String scopeLanguage) {
        if (!SETTABLE.contains(name)) {
            throw SnsErrors.invalidParameter("AttributeName");
        }
        switch (name) {
            case "RawMessageDelivery" -> {
                if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    throw SnsErrors.invalidParameter("Attributes Reason: RawMessageDelivery: Invalid value [" + value
                            + "]. Must be true or false.");
                }
            }
            case "FilterPolicyScope" -> {
                if (!value.equals("MessageAttributes") && !value.equals("MessageBody")) {
                    throw SnsErrors.invalidParameter("Attributes Reason: FilterPolicyScope: Invalid value [" + value
                            + "]. Please use either MessageBody or MessageAttributes");
                }
            }
            case "FilterPolicy" -> {
                if (value.isEmpty()) {
                    return;
                }
                String language = scopeLanguage != null ? scopeLanguage : FilterPolicy.ATTRIBUTES;
                try {
                    FilterPolicy.compile(language, value);
                } catch (IllegalArgumentException e) {
                    if (scopeLanguage == null && e.getMessage().contains("must be an object or an array")) {
                        // Nested keys are valid for body scope, which may be set in the same request.
                        validateAttribute(name, value, protocol, FilterPolicy.BODY);
                        return;
                    }
                    throw SnsErrors.invalidParameter("FilterPolicy: " + e.getMessage());
                }
            }
            case "DeliveryPolicy" -> {
                if (!protocol.startsWith("http")) {
                    throw SnsErrors.invalidParameter("DeliveryPolicy: only HTTP/S subscriptions have delivery policies");
                }
                String problem = RetryPolicy.problem(value, true);
                if (problem != null) {
                    throw SnsErrors.invalidParameter(problem);
                }
            }
            case "RedrivePolicy" -> {
                if (value.isEmpty()) {
                    return;
                }
                try {
                    JsonNode n = JSON.readTree(value);
                    Arn arn = Arn.parse(n.path("deadLetterTargetArn").asText(null));
                    if (arn == null || !arn.service().equals("sqs")) {
                        throw SnsErrors.invalidParameter("RedrivePolicy: deadLetterTargetArn is an invalid arn");
                    }
                } catch (java.io.IOException e) {
                    throw SnsErrors.invalidParameter("RedrivePolicy: failed to parse JSON");
                }
            }
            default -> { }
        }
    }

    // ------------------------------------------------------------------ used by the publisher and renderer

    /** The compiled filter of a subscription, or null for none. */
    FilterPolicy filter(SubscriptionMeta s) {
        String policy = s.attribute("FilterPolicy");
        if (policy == null || policy.isEmpty()) {
            return null;
        }
        return compiled.computeIfAbsent(s.arn(), a -> FilterPolicy.compile(
                FilterPolicy.language(s.attribute("FilterPolicyScope")), policy));
    }

    /** The subscription through which a topic's message reached a queue, or null. */
    SubscriptionMeta byQueue(String topicArn, String vhost, String queue) {
        for (SubscriptionMeta s : registry.subscriptionsOf(topicArn)) {
            if (!s.vhost().equals(vhost)) {
                continue;
            }
            String q = s.protocol().equals("sqs") ? Arn.parse(s.endpoint()).resource()
                    : s.protocol().equals(NATIVE) ? nativeTarget(s.endpoint()).queue() : null;
            if (queue.equals(q)) {
                return s;
            }
        }
        return null;
    }
}
