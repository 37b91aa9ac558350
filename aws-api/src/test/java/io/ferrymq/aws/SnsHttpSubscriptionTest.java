package io.ferrymq.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP subscriptions against a small HTTP server in the test: the SubscriptionConfirmation message, the
 * SubscribeURL link, signed notifications with SNS's headers, retries by the delivery policy while the
 * endpoint fails, and the subscription's dead-letter queue once retries are exhausted.
 */
class SnsHttpSubscriptionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** One retry a second, three times: fast enough for a test, and still the documented policy shape. */
    private static final String FAST_RETRIES = "{\"healthyRetryPolicy\":{\"minDelayTarget\":1,\"maxDelayTarget\":1,"
            + "\"numRetries\":3,\"numNoDelayRetries\":0,\"numMinDelayRetries\":0,\"numMaxDelayRetries\":0,"
            + "\"backoffFunction\":\"linear\"}}";

    /** One request the endpoint received. */
    record Received(Map<String, List<String>> headers, JsonNode body, String raw) {
        String type() {
            return body == null ? null : body.path("Type").asText();
        }
    }

    private AwsTestBroker broker;
    private SnsClient sns;
    private SqsClient sqs;
    private HttpServer server;
    private final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
    /** How many notifications the endpoint still answers with 500. */
    private final AtomicInteger failuresLeft = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        broker = AwsTestBroker.start();
        sns = broker.sns();
        sqs = broker.sqs();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode body;
            try {
                body = JSON.readTree(raw);
            } catch (java.io.IOException e) {
                body = null;
            }
            Received r = new Received(Map.copyOf(exchange.getRequestHeaders()), body, raw);
            boolean fail = !"SubscriptionConfirmation".equals(r.type()) && failuresLeft.getAndDecrement() > 0;
            inbox.add(r);
            exchange.sendResponseHeaders(fail ? 500 : 200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        broker.close();
    }

    private String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private Received next(String type) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            Received r = inbox.poll(1, TimeUnit.SECONDS);
            if (r != null && type.equals(r.type())) {
                return r;
            }
        }
        throw new AssertionError("no " + type + " arrived");
    }

    /** Subscribes the test's endpoint and confirms by visiting the SubscribeURL, as a web app would. */
    private String subscribeAndConfirm(String topic, Map<String, String> attrs) throws Exception {
        String pending = sns.subscribe(b -> b.topicArn(topic).protocol("http").endpoint(endpoint()).attributes(attrs))
                .subscriptionArn();
        assertThat(pending).isEqualTo("pending confirmation");
        Received confirmation = next("SubscriptionConfirmation");
        assertThat(confirmation.headers().get("X-amz-sns-message-type")).containsExactly("SubscriptionConfirmation");
        assertThat(confirmation.body().path("TopicArn").asText()).isEqualTo(topic);
        assertThat(confirmation.body().path("Token").asText()).isNotBlank();

        HttpResponse<String> visit = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(confirmation.body().path("SubscribeURL").asText())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(visit.statusCode()).as(visit.body()).isEqualTo(200);
        assertThat(visit.body()).contains("<ConfirmSubscriptionResult>");
        return sns.listSubscriptionsByTopic(b -> b.topicArn(topic)).subscriptions().get(0).subscriptionArn();
    }

    @Test
    void anEndpointConfirmsThroughTheSubscribeUrlAndThenReceivesNotifications() throws Exception {
        String topic = sns.createTopic(b -> b.name(AwsTestBroker.unique("h"))).topicArn();
        String sub = subscribeAndConfirm(topic, Map.of());
        assertThat(sub).startsWith(topic + ":");
        assertThat(sns.getSubscriptionAttributes(b -> b.subscriptionArn(sub)).attributes())
                .containsEntry("PendingConfirmation", "false");

        String id = sns.publish(b -> b.topicArn(topic).subject("s").message("over http")).messageId();

        Received n = next("Notification");
        assertThat(n.body().path("Message").asText()).isEqualTo("over http");
        assertThat(n.body().path("MessageId").asText()).isEqualTo(id);
        assertThat(n.body().path("Signature").asText()).isNotBlank();
        assertThat(n.headers().get("X-amz-sns-message-id")).containsExactly(id);
        assertThat(n.headers().get("X-amz-sns-subscription-arn")).containsExactly(sub);
        assertThat(n.headers().get("X-amz-sns-topic-arn")).containsExactly(topic);
    }

    @Test
    void rawDeliveryPostsTheMessageItself() throws Exception {
        String topic = sns.createTopic(b -> b.name(AwsTestBroker.unique("h"))).topicArn();
        subscribeAndConfirm(topic, Map.of("RawMessageDelivery", "true"));

        sns.publish(b -> b.topicArn(topic).message("just the text"));

        Received n;
        do {
            n = inbox.poll(30, TimeUnit.SECONDS);
            assertThat(n).as("a delivery").isNotNull();
        } while ("SubscriptionConfirmation".equals(n.type()));
        assertThat(n.raw()).isEqualTo("just the text");
        assertThat(n.headers().get("X-amz-sns-rawdelivery")).containsExactly("true");
    }

    @Test
    void aFailingEndpointIsRetriedByTheDeliveryPolicyUntilItAccepts() throws Exception {
        String topic = sns.createTopic(b -> b.name(AwsTestBroker.unique("h"))).topicArn();
        subscribeAndConfirm(topic, Map.of("DeliveryPolicy", FAST_RETRIES));
        failuresLeft.set(2);

        String id = sns.publish(b -> b.topicArn(topic).message("try again")).messageId();

        for (int attempt = 1; attempt <= 3; attempt++) {
            Received n = next("Notification");
            assertThat(n.body().path("MessageId").asText()).as("attempt " + attempt).isEqualTo(id);
        }
        assertThat(failuresLeft.get()).isLessThanOrEqualTo(0);
        assertThat(inbox.poll(1500, TimeUnit.MILLISECONDS)).as("no delivery after the accepted one").isNull();
    }

    @Test
    void exhaustedRetriesSendTheMessageToTheSubscriptionsDeadLetterQueue() throws Exception {
        String dlq = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("dlq"))).queueUrl();
        String dlqArn = SnsFixtures.queueArn(sqs, dlq);
        String topic = sns.createTopic(b -> b.name(AwsTestBroker.unique("h"))).topicArn();
        subscribeAndConfirm(topic, Map.of("DeliveryPolicy", FAST_RETRIES,
                "RedrivePolicy", "{\"deadLetterTargetArn\":\"" + dlqArn + "\"}"));
        failuresLeft.set(Integer.MAX_VALUE);

        sns.publish(b -> b.topicArn(topic).message("never accepted"));

        List<Message> dead = SnsFixtures.receive(sqs, dlq, 1, Duration.ofSeconds(30));
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).body()).contains("never accepted");
        long attempts = inbox.stream().filter(r -> "Notification".equals(r.type())).count();
        assertThat(attempts).isEqualTo(4);
    }

    @Test
    void anUnconfirmedSubscriptionIsPendingAndCanBeConfirmedWithItsToken() throws Exception {
        String topic = sns.createTopic(b -> b.name(AwsTestBroker.unique("h"))).topicArn();
        sns.subscribe(b -> b.topicArn(topic).protocol("http").endpoint(endpoint()));
        Received confirmation = next("SubscriptionConfirmation");
        assertThat(sns.listSubscriptionsByTopic(b -> b.topicArn(topic)).subscriptions().get(0).subscriptionArn())
                .isEqualTo("PendingConfirmation");
        assertThat(sns.getTopicAttributes(b -> b.topicArn(topic)).attributes())
                .containsEntry("SubscriptionsPending", "1").containsEntry("SubscriptionsConfirmed", "0");

        String arn = sns.confirmSubscription(b -> b.topicArn(topic).token(confirmation.body().path("Token").asText()))
                .subscriptionArn();

        assertThat(arn).startsWith(topic + ":");
        assertThat(sns.getTopicAttributes(b -> b.topicArn(topic)).attributes())
                .containsEntry("SubscriptionsPending", "0").containsEntry("SubscriptionsConfirmed", "1");
    }
}
