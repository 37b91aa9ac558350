package io.ferrymq.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Sending, receiving and deleting messages with the AWS SDK, which checks every MD5 the broker returns. */
@SuppressWarnings("unchecked") // the SDK's batch builders take varargs of Consumer lambdas
class SqsSendReceiveDeleteTest {

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

    private static String queue() {
        return sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("q"))).queueUrl();
    }

    @Test
    void aSentMessageIsReceivedWithItsBodyAndDeleted() {
        String url = queue();
        SendMessageResponse sent = sqs.sendMessage(b -> b.queueUrl(url).messageBody("hello world ✓"));

        ReceiveMessageResponse r = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10));

        assertThat(r.messages()).hasSize(1);
        Message m = r.messages().get(0);
        assertThat(m.body()).isEqualTo("hello world ✓");
        assertThat(m.messageId()).isEqualTo(sent.messageId());
        assertThat(m.md5OfBody()).isEqualTo(sent.md5OfMessageBody());
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).isEmpty();
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).isEqualTo("0");
    }

    @Test
    void messageAttributesOfEveryTypeRoundTripWithTheirMd5() {
        String url = queue();
        Map<String, MessageAttributeValue> attrs = Map.of(
                "s", MessageAttributeValue.builder().dataType("String").stringValue("text").build(),
                "n", MessageAttributeValue.builder().dataType("Number").stringValue("1.50").build(),
                "i", MessageAttributeValue.builder().dataType("Number.int").stringValue("42").build(),
                "b", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromByteArray(new byte[] {0, 1, 2, (byte) 255})).build(),
                "c", MessageAttributeValue.builder().dataType("String.custom").stringValue("ü").build());
        SendMessageResponse sent = sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageAttributes(attrs));

        Message m = sqs.receiveMessage(b -> b.queueUrl(url).messageAttributeNames("All")).messages().get(0);

        assertThat(sent.md5OfMessageAttributes()).isNotNull();
        assertThat(m.md5OfMessageAttributes()).isEqualTo(sent.md5OfMessageAttributes());
        assertThat(m.messageAttributes()).isEqualTo(attrs);
    }

    @Test
    void onlyTheRequestedAttributesAreReturned() {
        String url = queue();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageAttributes(Map.of(
                "keep.me", MessageAttributeValue.builder().dataType("String").stringValue("1").build(),
                "other", MessageAttributeValue.builder().dataType("String").stringValue("2").build())));

        Message m = sqs.receiveMessage(b -> b.queueUrl(url).messageAttributeNames("keep.*")
                .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP,
                        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages().get(0);

        assertThat(m.messageAttributes()).containsOnlyKeys("keep.me");
        assertThat(m.attributes()).containsOnlyKeys(MessageSystemAttributeName.SENT_TIMESTAMP,
                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        assertThat(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).isEqualTo("1");
    }

    @Test
    void allSystemAttributesIncludeSenderAndTimestamps() {
        String url = queue();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("x"));

        Message m = sqs.receiveMessage(b -> b.queueUrl(url).messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                .messages().get(0);

        assertThat(m.attributes()).containsKeys(MessageSystemAttributeName.SENDER_ID,
                MessageSystemAttributeName.SENT_TIMESTAMP, MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP);
        assertThat(Long.parseLong(m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP)))
                .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
    }

    @Test
    void aBatchIsSentReceivedAndDeleted() {
        String url = queue();
        var sent = sqs.sendMessageBatch(b -> b.queueUrl(url).entries(
                e -> e.id("a").messageBody("one"), e -> e.id("b").messageBody("two").delaySeconds(0),
                e -> e.id("c").messageBody("three")));
        assertThat(sent.successful()).hasSize(3);
        assertThat(sent.failed()).isEmpty();

        List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages();
        assertThat(got).extracting(Message::body).containsExactlyInAnyOrder("one", "two", "three");

        var deleted = sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(got.stream().map(m ->
                software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry.builder()
                        .id("d" + got.indexOf(m)).receiptHandle(m.receiptHandle()).build()).toList()));
        assertThat(deleted.successful()).hasSize(3);
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).isEmpty();
    }
}
