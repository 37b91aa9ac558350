package io.ferrymq.aws.sns;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.internal.SystemSessions;
import io.ferrymq.aws.sqs.MessageProperties;
import io.ferrymq.aws.sqs.MessageRenderer;
import io.ferrymq.aws.sqs.SqsQueues;
import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.AwsRequest;
import io.ferrymq.aws.wire.AwsResponse;
import io.ferrymq.aws.wire.AwsService;
import io.ferrymq.aws.wire.QueryInput;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.aws.wire.XmlOutput;
import io.ferrymq.core.api.Admin;
import io.ferrymq.core.api.Broker;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Amazon SNS (Query protocol) on the broker: topics are fanout exchanges, subscriptions bindings with
 * filter policies, HTTP/S endpoints get signed deliveries with retries, and {@code ferrymq} endpoints
 * reach any core queue or exchange, so AMQP, STOMP and MQTT consumers receive SNS messages.
 */
public final class SnsService implements AwsService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnsService.class);
    /** Every action this service answers. */
    public static final Set<String> ACTIONS = Set.of("CreateTopic", "DeleteTopic", "ListTopics", "GetTopicAttributes",
            "SetTopicAttributes", "Subscribe", "ConfirmSubscription", "Unsubscribe", "ListSubscriptions",
            "ListSubscriptionsByTopic", "GetSubscriptionAttributes", "SetSubscriptionAttributes", "Publish",
            "PublishBatch", "TagResource", "UntagResource", "ListTagsForResource", "AddPermission", "RemovePermission");

    private final Broker broker;
    private final SystemSessions system;
    private final SnsRegistry registry;
    private final SnsSigner signer;
    private final SnsEnvelope envelope;
    private final HttpDeliveries http;
    private final SnsTopics topics;
    private final SnsSubscriptions subscriptions;
    private final SnsPublisher publisher;
    private final SnsAccess access;

    public SnsService(Broker broker, AwsApiSettings settings, SystemSessions system) {
        this.broker = broker;
        this.system = system;
        broker.registerFilterLanguage(FilterPolicy.ATTRIBUTES, text -> FilterPolicy.compile(FilterPolicy.ATTRIBUTES, text));
        broker.registerFilterLanguage(FilterPolicy.BODY, text -> FilterPolicy.compile(FilterPolicy.BODY, text));
        this.registry = new SnsRegistry(broker);
        this.access = new SnsAccess(registry);
        this.signer = new SnsSigner(broker.stateStore("aws.sns"));
        this.envelope = new SnsEnvelope(signer);
        this.http = new HttpDeliveries(broker, settings, system, envelope, registry::subscription, registry::topic);
        SnsSubscriptions[] subs = new SnsSubscriptions[1];
        this.topics = new SnsTopics(registry, t -> {
            for (SubscriptionMeta s : registry.subscriptionsOf(t.arn())) {
                subs[0].remove(s, this::admin);
            }
        });
        this.subscriptions = new SnsSubscriptions(settings, registry, topics, http);
        subs[0] = subscriptions;
        this.publisher = new SnsPublisher(topics, registry, subscriptions, system, broker.stateStore("aws.sns.recent"));
    }

    /** Connects SQS (subscription endpoints and dead-letter queues are SQS queues). */
    public void attach(SqsQueues queues) {
        subscriptions.attach(queues);
        http.attach(queues);
    }

    /** Re-creates topics' exchanges and subscriptions' bindings, and starts HTTP deliveries. */
    public void start() {
        int n = 0;
        Set<String> vhosts = broker.vhostNames();
        for (SubscriptionMeta s : registry.subscriptions()) {
            TopicMeta t = registry.topic(s.topicArn());
            if (t == null || !vhosts.contains(s.vhost())) {
                continue;
            }
            Admin admin = admin(s.vhost());
            SnsTopics.restore(admin, t);
            subscriptions.restore(admin, s);
            n++;
        }
        for (String vhost : vhosts) {
            for (TopicMeta t : registry.topics(vhost)) {
                SnsTopics.restore(admin(vhost), t);
            }
        }
        if (n > 0) {
            LOG.info("Restored {} SNS subscription(s)", n);
        }
    }

    /**
     * The broker's own administration in a virtual host, for what SNS keeps in step with its registry
     * (exchanges and bindings restored at start, removed with a subscription), done on no client's behalf;
     * null when the virtual host is gone.
     */
    private Admin admin(String vhost) {
        return broker.vhostNames().contains(vhost) ? broker.systemSession(vhost).admin() : null;
    }

    /** Shows SNS messages in SQS queues: in the JSON envelope, or raw for RawMessageDelivery subscriptions. */
    public MessageRenderer renderer() {
        return this::render;
    }

    private MessageRenderer.Rendered render(Message m, String vhost, String queue) {
        Object topicArn = m.property(SnsEnvelope.TOPIC_ARN);
        if (!(topicArn instanceof String arn)) {
            return null;
        }
        SubscriptionMeta s = subscriptions.byQueue(arn, vhost, queue);
        if (s != null && (s.raw() || s.protocol().equals(SnsSubscriptions.NATIVE))) {
            // Without a structure the message's own body is shown, losslessly (SqsBody).
            return new MessageRenderer.Rendered(SnsEnvelope.structuredFor(m, "sqs"), MessageProperties.read(m));
        }
        String base = s != null ? s.baseUrl() : "http://localhost:9324";
        return new MessageRenderer.Rendered(envelope.notification(m, s, registry.topic(arn), "sqs", base), Map.of());
    }

    @Override
    public String signingName() {
        return "sns";
    }

    @Override
    public String apiVersion() {
        return "2010-03-31";
    }

    @Override
    public String xmlNamespace() {
        return "http://sns.amazonaws.com/doc/2010-03-31/";
    }

    @Override
    public boolean hasAction(String action) {
        return ACTIONS.contains(action);
    }

    @Override
    public Map<String, XmlOutput.Shape> xmlShapes() {
        return XmlOutput.SNS_SHAPES;
    }

    @Override
    public Map<String, QueryInput.Rule> queryRules() {
        return QueryInput.SNS;
    }

    /** The SubscribeURL and UnsubscribeURL links work without credentials, as on AWS. */
    @Override
    public boolean anonymous(String action, AwsRequest request) {
        return request.method().equals("GET") && request.header("authorization") == null
                && (action.equals("ConfirmSubscription") || action.equals("Unsubscribe"));
    }

    @Override
    public AwsResponse resource(AwsRequest request) {
        if (request.method().equals("GET") && request.path().equals(SnsEnvelope.CERT_PATH)) {
            return AwsResponse.of(200, "application/x-pem-file", signer.certificatePem());
        }
        return null;
    }

    @Override
    public CompletableFuture<JsonNode> handle(String action, JsonNode in, RequestContext ctx) {
        access.check(action, in, ctx);
        SnsSubscriptions.AdminLookup vhosts = this::admin;
        return switch (action) {
            case "CreateTopic" -> topics.create(in, ctx);
            case "DeleteTopic" -> topics.delete(in, ctx);
            case "ListTopics" -> topics.list(in, ctx);
            case "GetTopicAttributes" -> topics.getAttributes(in, ctx, registry);
            case "SetTopicAttributes" -> topics.setAttributes(in, ctx);
            case "TagResource" -> topics.tagResource(in, ctx);
            case "UntagResource" -> topics.untagResource(in, ctx);
            case "ListTagsForResource" -> topics.listTags(in, ctx);
            case "AddPermission" -> topics.addPermission(in, ctx);
            case "RemovePermission" -> topics.removePermission(in, ctx);
            case "Subscribe" -> subscriptions.subscribe(in, ctx);
            case "ConfirmSubscription" -> subscriptions.confirm(in, ctx, vhosts, system::session);
            case "Unsubscribe" -> subscriptions.unsubscribe(in, ctx, vhosts);
            case "ListSubscriptions" -> subscriptions.list(in, ctx, null);
            case "ListSubscriptionsByTopic" -> subscriptions.list(in, ctx, topics.require(
                    io.ferrymq.aws.wire.Inputs.string(in, "TopicArn")).arn());
            case "GetSubscriptionAttributes" -> subscriptions.getAttributes(in, ctx);
            case "SetSubscriptionAttributes" -> subscriptions.setAttributes(in, ctx);
            case "Publish" -> publisher.publish(in, ctx);
            case "PublishBatch" -> publisher.publishBatch(in, ctx);
            default -> throw AwsError.badRequest("InvalidAction", "The action " + action + " is not valid for this endpoint.");
        };
    }

    @Override
    public AwsError translate(Throwable t) {
        if (t instanceof AwsError e) {
            return e;
        }
        if (t instanceof BrokerException be) {
            return SnsErrors.from(be);
        }
        return new AwsError("InternalError", "InternalError", 500, false, "internal error: " + t);
    }

    @Override
    public void close() {
        http.close();
    }
}
