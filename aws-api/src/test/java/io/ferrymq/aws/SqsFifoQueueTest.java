package io.ferrymq.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** FIFO queues: group ordering, deduplication (explicit, content-based, per group), sequence numbers. */
@SuppressWarnings("unchecked") // the SDK's batch builders take varargs of Consumer lambdas
class SqsFifoQueueTest {

    static AwsTestBroker broker;
    static SqsClient sqs;

    @BeforeAll
    static void start() {
        broker = AwsTestBroker.start();
        sqs = broker.sqs();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static String fifo(Map<QueueAttributeName, String> extra) {
        Map<QueueAttributeName, String> attrs = new java.util.HashMap<>(extra);
        attrs.put(QueueAttributeName.FIFO_QUEUE, "true");
        return sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("f") + ".fifo").attributes(attrs)).queueUrl();
    }

    @Test
    void messagesOfAGroupComeInOrderAndTheNextWaitsWhileOneIsInFlight() {
        String url = fifo(Map.of());
        for (int i = 0; i < 5; i++) {
            int n = i;
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("g1-" + n).messageGroupId("g1").messageDeduplicationId("d" + n));
        }

        Message first = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1)).messages().get(0);
        assertThat(first.body()).isEqualTo("g1-0");
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages())
                .as("the group is blocked while g1-0 is in flight").isEmpty();
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(first.receiptHandle()));

        List<String> rest = new ArrayList<>();
        while (rest.size() < 4) {
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(2)).messages();
            for (Message m : got) {
                rest.add(m.body());
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
        assertThat(rest).containsExactly("g1-1", "g1-2", "g1-3", "g1-4");
    }

    @Test
    void otherGroupsAreNotHeldUpByAGroupInFlight() {
        String url = fifo(Map.of());
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("a1").messageGroupId("a").messageDeduplicationId("1"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("a2").messageGroupId("a").messageDeduplicationId("2"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("b1").messageGroupId("b").messageDeduplicationId("3"));

        Message a1 = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1)).messages().get(0);
        List<Message> next = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages();

        assertThat(a1.body()).isEqualTo("a1");
        assertThat(next).extracting(Message::body).containsExactly("b1");
    }

    @Test
    void aDuplicateWithinTheWindowIsAcceptedButNotDeliveredAgain() {
        String url = fifo(Map.of());
        SendMessageResponse one = sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageGroupId("g")
                .messageDeduplicationId("same"));
        SendMessageResponse two = sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageGroupId("g")
                .messageDeduplicationId("same"));

        assertThat(two.messageId()).isEqualTo(one.messageId());
        assertThat(two.sequenceNumber()).isEqualTo(one.sequenceNumber());
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages()).hasSize(1);
    }

    @Test
    void contentBasedDeduplicationUsesTheBodysSha256() {
        String url = fifo(Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("same body").messageGroupId("g"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("same body").messageGroupId("g"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("other body").messageGroupId("g"));

        List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).messages();

        assertThat(got).extracting(Message::body).containsExactly("same body", "other body");
        assertThat(got.get(0).attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                .isEqualTo(io.ferrymq.aws.sqs.Md5.hex(sha256("same body")));
    }

    @Test
    void withMessageGroupScopeTheSameIdInTwoGroupsIsTwoMessages() {
        String url = fifo(Map.of(QueueAttributeName.DEDUPLICATION_SCOPE, "messageGroup",
                QueueAttributeName.FIFO_THROUGHPUT_LIMIT, "perMessageGroupId"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageGroupId("g1").messageDeduplicationId("id"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageGroupId("g2").messageDeduplicationId("id"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageGroupId("g2").messageDeduplicationId("id"));

        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages()).hasSize(2);
    }

    @Test
    void sequenceNumbersGrowAndComeWithTheGroupId() {
        String url = fifo(Map.of());
        SendMessageResponse a = sqs.sendMessage(b -> b.queueUrl(url).messageBody("1").messageGroupId("g").messageDeduplicationId("1"));
        SendMessageResponse b2 = sqs.sendMessage(b -> b.queueUrl(url).messageBody("2").messageGroupId("g").messageDeduplicationId("2"));

        assertThat(a.sequenceNumber()).hasSize(20);
        assertThat(b2.sequenceNumber()).isGreaterThan(a.sequenceNumber());
        Message m = sqs.receiveMessage(b -> b.queueUrl(url).messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                .messages().get(0);
        assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).isEqualTo("g");
        assertThat(m.attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER)).isEqualTo(a.sequenceNumber());
    }

    @Test
    void aRetriedReceiveWithTheSameAttemptIdGetsTheSameMessages() {
        String url = fifo(Map.of());
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("once").messageGroupId("g").messageDeduplicationId("1"));

        List<Message> first = sqs.receiveMessage(b -> b.queueUrl(url).receiveRequestAttemptId("attempt-1")).messages();
        List<Message> retry = sqs.receiveMessage(b -> b.queueUrl(url).receiveRequestAttemptId("attempt-1")).messages();

        assertThat(first).hasSize(1);
        assertThat(retry).extracting(Message::receiptHandle).containsExactly(first.get(0).receiptHandle());
    }

    @Test
    void aBatchToAFifoQueueKeepsItsOrder() {
        String url = fifo(Map.of(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"));
        sqs.sendMessageBatch(b -> b.queueUrl(url).entries(
                e -> e.id("1").messageBody("m1").messageGroupId("g"),
                e -> e.id("2").messageBody("m2").messageGroupId("g"),
                e -> e.id("3").messageBody("m3").messageGroupId("g")));

        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages())
                .extracting(Message::body).containsExactly("m1", "m2", "m3");
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
