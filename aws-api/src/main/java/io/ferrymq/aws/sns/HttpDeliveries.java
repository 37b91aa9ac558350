package io.ferrymq.aws.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.internal.SystemSessions;
import io.ferrymq.aws.sqs.SqsQueues;
import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Delivers SNS messages to HTTP/S endpoints. Each confirmed subscription has a durable delivery queue
 * bound to its topic; a worker consumes it (a few messages at a time) and POSTs each one. 2xx is
 * delivered; 429, 5xx and connection failures are retried by the subscription's retry policy, holding
 * the message; other answers and exhausted retries send it to the subscription's dead-letter queue (an
 * SQS queue in its RedrivePolicy), or drop it with a log line.
 */
final class HttpDeliveries implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpDeliveries.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int IN_FLIGHT = 8;

    private final Broker broker;
    private final AwsApiSettings settings;
    private final SystemSessions system;
    private final SnsEnvelope envelope;
    private final Function<String, SubscriptionMeta> subscriptions;
    private final Function<String, TopicMeta> topics;
    private final HttpClient client;
    private final Map<String, Subscription> workers = new ConcurrentHashMap<>();
    private volatile SqsQueues sqs;
    private volatile boolean closed;

    HttpDeliveries(Broker broker, AwsApiSettings settings, SystemSessions system, SnsEnvelope envelope,
                   Function<String, SubscriptionMeta> subscriptions, Function<String, TopicMeta> topics) {
        this.broker = broker;
        this.settings = settings;
        this.system = system;
        this.envelope = envelope;
        this.subscriptions = subscriptions;
        this.topics = topics;
        this.client = HttpClient.newBuilder().connectTimeout(settings.httpDeliveryTimeout())
                .executor(broker.blockingExecutor()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    void attach(SqsQueues queues) {
        this.sqs = queues;
    }

    /** Starts draining a confirmed subscription's delivery queue. */
    void start(SubscriptionMeta s) {
        if (closed || workers.containsKey(s.arn())) {
            return;
        }
        Session session = system.session(s.vhost(), s.user());
        session.consume(Source.queue(s.deliveryQueue()), ConsumeOptions.credit(0)).whenComplete((sub, err) -> {
            if (err != null) {
                LOG.warn("Cannot start HTTP deliveries of SNS subscription {}: {}", s.arn(), err.toString());
                return;
            }
            if (workers.putIfAbsent(s.arn(), sub) != null || closed) {
                sub.close();
                return;
            }
            system.onDeliveries(sub, d -> deliver(s.arn(), session, d, 0));
            sub.credit(IN_FLIGHT);
        });
    }

    void stop(String subscriptionArn) {
        Subscription sub = workers.remove(subscriptionArn);
        if (sub != null) {
            system.forget(sub);
            sub.close();
        }
    }

    /** Sends the SubscriptionConfirmation message; retried a few times when the endpoint is not up yet. */
    void requestConfirmation(SubscriptionMeta s, int attempt) {
        if (closed) {
            return;
        }
        TopicMeta t = topics.apply(s.topicArn());
        String messageId = UUID.randomUUID().toString();
        String body = envelope.confirmation(s, t, messageId, System.currentTimeMillis());
        HttpRequest req = request(s, body, "SubscriptionConfirmation", messageId).build();
        client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((res, err) -> {
            if (err == null && res.statusCode() / 100 == 2) {
                return;
            }
            SubscriptionMeta current = subscriptions.apply(s.arn());
            long delay = RetryPolicy.of(s, t).delaySeconds(attempt + 1);
            if (current != null && !current.confirmed() && delay >= 0) {
                LOG.info("SNS subscription confirmation to {} failed ({}); retrying in {} s", s.endpoint(),
                        err != null ? err.toString() : "HTTP " + res.statusCode(), delay);
                broker.timers().schedule(() -> requestConfirmation(s, attempt + 1), delay * 1000);
            }
        });
    }

    private void deliver(String subscriptionArn, Session session, Delivery d, int retries) {
        SubscriptionMeta s = subscriptions.apply(subscriptionArn);
        if (s == null || closed) {
            session.settle(d, Outcome.RELEASE, null);
            return;
        }
        TopicMeta t = topics.apply(s.topicArn());
        Message m = d.message();
        String body = s.raw() ? SnsEnvelope.messageFor(m, s.protocol())
                : envelope.notification(m, s, t, s.protocol(), s.baseUrl());
        HttpRequest.Builder b = request(s, body, "Notification", m.messageId()).header("x-amz-sns-subscription-arn", s.arn());
        if (s.raw()) {
            b.header("x-amz-sns-rawdelivery", "true");
        }
        client.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((res, err) ->
                system.executor().execute(() -> {
                    int status = res == null ? 0 : res.statusCode();
                    if (err == null && status / 100 == 2) {
                        session.settle(d, Outcome.ACCEPT, null);
                        return;
                    }
                    boolean retryable = err != null || status == 429 || status >= 500;
                    long delay = retryable ? RetryPolicy.of(s, t).delaySeconds(retries + 1) : -1;
                    String why = err != null ? err.toString() : "HTTP " + status;
                    if (delay >= 0) {
                        LOG.debug("SNS delivery of {} to {} failed ({}); retry {} in {} s", m.messageId(),
                                s.endpoint(), why, retries + 1, delay);
                        broker.timers().schedule(() -> system.executor().execute(() ->
                                deliver(subscriptionArn, session, d, retries + 1)), delay * 1000);
                    } else {
                        deadLetter(s, session, d, why);
                    }
                }));
    }

    private HttpRequest.Builder request(SubscriptionMeta s, String body, String type, String messageId) {
        return HttpRequest.newBuilder(URI.create(s.endpoint())).timeout(settings.httpDeliveryTimeout())
                .header("Content-Type", "text/plain; charset=UTF-8")
                .header("User-Agent", "Amazon Simple Notification Service Agent")
                .header("x-amz-sns-message-type", type)
                .header("x-amz-sns-message-id", messageId)
                .header("x-amz-sns-topic-arn", s.topicArn())
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private void deadLetter(SubscriptionMeta s, Session session, Delivery d, String why) {
        String target = null;
        String policy = s.attribute("RedrivePolicy");
        if (policy != null && !policy.isEmpty()) {
            try {
                JsonNode n = JSON.readTree(policy);
                target = n.path("deadLetterTargetArn").asText(null);
            } catch (java.io.IOException ignored) {
                target = null;
            }
        }
        SqsQueues.Target dlq = target == null || sqs == null ? null : sqs.byArn(vhost -> system.session(vhost, s.user()), target);
        if (dlq == null) {
            LOG.warn("SNS message {} could not be delivered to {} ({}) and the subscription has no dead-letter queue:"
                    + " dropped", d.message().messageId(), s.endpoint(), why);
            session.settle(d, Outcome.ACCEPT, null);
            return;
        }
        Message copy = d.message().toBuilder().id(0).deduplicationId(null).build();
        system.session(dlq.vhost(), s.user()).send(Route.queue(dlq.name()), copy, null).whenComplete((r, err) -> {
            if (err != null) {
                LOG.warn("SNS message {} could not be moved to dead-letter queue {}: {}", d.message().messageId(),
                        dlq.name(), err.toString());
            }
            session.settle(d, Outcome.ACCEPT, null);
        });
    }

    @Override
    public void close() {
        closed = true;
        workers.values().forEach(Subscription::close);
        workers.clear();
    }
}
