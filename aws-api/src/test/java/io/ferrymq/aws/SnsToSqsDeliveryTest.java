package io.ferrymq.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.ferrymq.aws.SnsFixtures.receive;
import static io.ferrymq.aws.SnsFixtures.subscribedQueue;
import static org.assertj.core.api.Assertions.assertThat;

/** SNS topics fanning out to SQS queues: the JSON envelope, raw delivery, batches, message structure, FIFO. */
@SuppressWarnings("unchecked") // the SDK's batch builders take varargs of Consumer lambdas
class SnsToSqsDeliveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    static AwsTestBroker broker;
    static SqsClient sqs;
    static SnsClient sns;

    @BeforeAll
    static void start() {
        broker = AwsTestBroker.start();
        sqs = broker.sqs();
        sns = broker.sns();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static String topic() {
        return sns.createTopic(b -> b.name(AwsTestBroker.unique("t"))).topicArn();
    }

    @Test
    void aPublishReachesEverySubscribedQueueInTheSignedJsonEnvelope() throws Exception {
        String topic = topic();
        String q1 = subscribedQueue(sqs, sns, topic, Map.of());
        String q2 = subscribedQueue(sqs, sns, topic, Map.of());

        PublishResponse p = sns.publish(b -> b.topicArn(topic).subject("greeting").message("hello fan-out")
                .messageAttributes(Map.of("colour", MessageAttributeValue.builder().dataType("String")
                        .stringValue("red").build())));

        for (String q : List.of(q1, q2)) {
            List<Message> got = receive(sqs, q, 1, WAIT);
            assertThat(got).hasSize(1);
            JsonNode env = JSON.readTree(got.get(0).body());
            assertThat(env.path("Type").asText()).isEqualTo("Notification");
            assertThat(env.path("MessageId").asText()).isEqualTo(p.messageId());
            assertThat(env.path("TopicArn").asText()).isEqualTo(topic);
            assertThat(env.path("Subject").asText()).isEqualTo("greeting");
            assertThat(env.path("Message").asText()).isEqualTo("hello fan-out");
            assertThat(env.path("MessageAttributes").path("colour").path("Type").asText()).isEqualTo("String");
            assertThat(env.path("MessageAttributes").path("colour").path("Value").asText()).isEqualTo("red");
            assertThat(env.path("UnsubscribeURL").asText()).contains("Action=Unsubscribe");
            assertThat(signatureIsValid(env)).isTrue();
        }
    }

    /** Verifies the envelope's signature with the certificate at its SigningCertURL, as SNS clients do. */
    private static boolean signatureIsValid(JsonNode env) throws Exception {
        HttpResponse<byte[]> cert = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(env.path("SigningCertURL").asText())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(cert.statusCode()).isEqualTo(200);
        X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(cert.body()));
        StringBuilder s = new StringBuilder();
        for (String k : List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")) {
            if (env.has(k)) {
                s.append(k).append('\n').append(env.path(k).asText()).append('\n');
            }
        }
        Signature v = Signature.getInstance("1".equals(env.path("SignatureVersion").asText()) ? "SHA1withRSA"
                : "SHA256withRSA");
        v.initVerify(x509.getPublicKey());
        v.update(s.toString().getBytes(StandardCharsets.UTF_8));
        return v.verify(Base64.getDecoder().decode(env.path("Signature").asText()));
    }

    @Test
    void rawDeliveryPutsTheMessageAndItsAttributesIntoTheQueueAsIs() {
        String topic = topic();
        String q = subscribedQueue(sqs, sns, topic, Map.of("RawMessageDelivery", "true"));

        sns.publish(b -> b.topicArn(topic).message("raw body").messageAttributes(Map.of(
                "n", MessageAttributeValue.builder().dataType("Number").stringValue("42").build(),
                "b", MessageAttributeValue.builder().dataType("Binary")
                        .binaryValue(SdkBytes.fromByteArray(new byte[]{1, 2, 3})).build())));

        // The SDK checks MD5OfBody and MD5OfMessageAttributes on receive: the attributes must be SQS's own.
        List<Message> got = receive(sqs, q, 1, WAIT);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).body()).isEqualTo("raw body");
        assertThat(got.get(0).messageAttributes().get("n").stringValue()).isEqualTo("42");
        assertThat(got.get(0).messageAttributes().get("n").dataType()).isEqualTo("Number");
        assertThat(got.get(0).messageAttributes().get("b").binaryValue().asByteArray()).containsExactly(1, 2, 3);
    }

    @Test
    void messageStructureJsonSendsTheSqsEntryToQueues() throws Exception {
        String topic = topic();
        String q = subscribedQueue(sqs, sns, topic, Map.of());

        sns.publish(b -> b.topicArn(topic).messageStructure("json")
                .message("{\"default\":\"for everyone\",\"sqs\":\"for queues\"}"));

        List<Message> got = receive(sqs, q, 1, WAIT);
        assertThat(JSON.readTree(got.get(0).body()).path("Message").asText()).isEqualTo("for queues");
    }

    @Test
    void aBatchPublishesItsGoodEntriesAndReportsTheBadOnes() {
        String topic = topic();
        String q = subscribedQueue(sqs, sns, topic, Map.of("RawMessageDelivery", "true"));

        PublishBatchResponse r = sns.publishBatch(b -> b.topicArn(topic).publishBatchRequestEntries(
                e -> e.id("one").message("first"),
                e -> e.id("two").message("second").messageAttributes(Map.of("AWS.reserved",
                        MessageAttributeValue.builder().dataType("String").stringValue("x").build())),
                e -> e.id("three").message("third")));

        assertThat(r.successful()).extracting(s -> s.id()).containsExactlyInAnyOrder("one", "three");
        assertThat(r.failed()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("two");
            assertThat(f.code()).isEqualTo("ParameterValueInvalid");
            assertThat(f.senderFault()).isTrue();
        });
        assertThat(receive(sqs, q, 2, WAIT)).extracting(Message::body).containsExactlyInAnyOrder("first", "third");
    }

    @Test
    void aFifoTopicDeliversToFifoQueuesInGroupOrderAndDeduplicates() throws Exception {
        String topic = sns.createTopic(b -> b.name(AwsTestBroker.unique("ft") + ".fifo")
                .attributes(Map.of("FifoTopic", "true"))).topicArn();
        String q = subscribedQueue(sqs, sns, topic, Map.of("RawMessageDelivery", "true"));

        for (int i = 0; i < 5; i++) {
            int n = i;
            PublishResponse p = sns.publish(b -> b.topicArn(topic).message("m" + n).messageGroupId("g")
                    .messageDeduplicationId("d" + n));
            assertThat(p.sequenceNumber()).isNotBlank();
        }
        PublishResponse again = sns.publish(b -> b.topicArn(topic).message("m0 again").messageGroupId("g")
                .messageDeduplicationId("d0"));
        PublishResponse marker = sns.publish(b -> b.topicArn(topic).message("end").messageGroupId("g")
                .messageDeduplicationId("end"));
        assertThat(again.messageId()).isNotEqualTo(marker.messageId());

        List<Message> got = receive(sqs, q, 6, WAIT);
        assertThat(got).extracting(Message::body).containsExactly("m0", "m1", "m2", "m3", "m4", "end");
        assertThat(got.get(0).attributes()).containsEntry(
                software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.MESSAGE_GROUP_ID, "g");
    }

    @Test
    void theAsyncClientPublishesToo() throws Exception {
        var async = broker.snsAsync();
        String topic = async.createTopic(b -> b.name(AwsTestBroker.unique("async"))).get(30, java.util.concurrent.TimeUnit.SECONDS)
                .topicArn();
        String q = subscribedQueue(sqs, sns, topic, Map.of("RawMessageDelivery", "true"));

        var batch = async.publishBatch(b -> b.topicArn(topic).publishBatchRequestEntries(
                e -> e.id("a").message("async one"), e -> e.id("b").message("async two")))
                .get(30, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(batch.successful()).hasSize(2);
        assertThat(receive(sqs, q, 2, WAIT)).extracting(Message::body).containsExactlyInAnyOrder("async one", "async two");
    }

    @Test
    void aFifoQueueCannotSubscribeToAStandardTopic() {
        String topic = topic();
        String url = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("f") + ".fifo").attributes(Map.of(
                software.amazon.awssdk.services.sqs.model.QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();

        var e = org.assertj.core.api.Assertions.catchThrowableOfType(
                software.amazon.awssdk.services.sns.model.InvalidParameterException.class,
                () -> sns.subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(SnsFixtures.queueArn(sqs, url))));
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameter");
    }

    @Test
    void anUnsubscribedQueueGetsNothingMore() {
        String topic = topic();
        String kept = subscribedQueue(sqs, sns, topic, Map.of("RawMessageDelivery", "true"));
        String dropped = subscribedQueue(sqs, sns, topic, Map.of("RawMessageDelivery", "true"));
        String droppedArn = SnsFixtures.queueArn(sqs, dropped);
        String sub = sns.listSubscriptionsByTopic(b -> b.topicArn(topic)).subscriptions().stream()
                .filter(s -> s.endpoint().equals(droppedArn)).findFirst().orElseThrow().subscriptionArn();

        sns.unsubscribe(b -> b.subscriptionArn(sub));
        sns.publish(b -> b.topicArn(topic).message("after"));

        assertThat(receive(sqs, kept, 1, WAIT)).extracting(Message::body).containsExactly("after");
        assertThat(SnsFixtures.drain(sqs, dropped)).isEmpty();
    }

    @Test
    void aNativeSubscriptionDeliversToACoreQueue() {
        String topic = topic();
        String name = AwsTestBroker.unique("core");
        sqs.createQueue(b -> b.queueName(name));
        sns.subscribe(b -> b.topicArn(topic).protocol("ferrymq").endpoint("queue/" + name));

        sns.publish(b -> b.topicArn(topic).message("to the core"));

        String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        assertThat(receive(sqs, url, 1, WAIT)).extracting(Message::body).containsExactly("to the core");
    }
}
