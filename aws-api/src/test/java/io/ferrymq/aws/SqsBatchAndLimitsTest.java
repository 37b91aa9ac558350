package io.ferrymq.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Batches where some entries fail and the rest succeed, and messages at the 1 MiB limit. */
@SuppressWarnings("unchecked") // the SDK's batch builders take varargs of Consumer lambdas
class SqsBatchAndLimitsTest {

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
        return sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("batch"))).queueUrl();
    }

    @Test
    void aSendBatchReportsItsBadEntriesAndSendsTheOthers() {
        String url = queue();

        SendMessageBatchResponse r = sqs.sendMessageBatch(b -> b.queueUrl(url).entries(
                e -> e.id("ok1").messageBody("one"),
                e -> e.id("bad").messageBody("x").delaySeconds(901),
                e -> e.id("ok2").messageBody("two").messageAttributes(Map.of("a",
                        MessageAttributeValue.builder().dataType("String").stringValue("v").build()))));

        assertThat(r.successful()).extracting(s -> s.id()).containsExactlyInAnyOrder("ok1", "ok2");
        assertThat(r.successful()).allSatisfy(s -> assertThat(s.md5OfMessageBody()).hasSize(32));
        assertThat(r.failed()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("bad");
            assertThat(f.code()).isEqualTo("InvalidParameterValue");
            assertThat(f.senderFault()).isTrue();
        });
        List<Message> got = SnsFixtures.receive(sqs, url, 2, java.time.Duration.ofSeconds(20));
        assertThat(got).extracting(Message::body).containsExactlyInAnyOrder("one", "two");
    }

    @Test
    void deleteAndVisibilityBatchesReportInvalidHandlesPerEntry() {
        String url = queue();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("m"));
        Message m = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(10)).messages().get(0);

        ChangeMessageVisibilityBatchResponse v = sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(
                e -> e.id("good").receiptHandle(m.receiptHandle()).visibilityTimeout(60),
                e -> e.id("forged").receiptHandle("forged").visibilityTimeout(60)));
        assertThat(v.successful()).extracting(s -> s.id()).containsExactly("good");
        assertThat(v.failed()).extracting(BatchResultErrorEntry::id, BatchResultErrorEntry::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("forged", "ReceiptHandleIsInvalid"));

        DeleteMessageBatchResponse d = sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(
                e -> e.id("good").receiptHandle(m.receiptHandle()),
                e -> e.id("forged").receiptHandle("forged")));
        assertThat(d.successful()).extracting(s -> s.id()).containsExactly("good");
        assertThat(d.failed()).extracting(BatchResultErrorEntry::id, BatchResultErrorEntry::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("forged", "ReceiptHandleIsInvalid"));
    }

    @Test
    void aOneMebibyteMessageRoundTripsAndOneByteMoreIsRefused() {
        String url = queue();
        String attrValue = "v";
        int overhead = "a".length() + "String".length() + attrValue.length();
        String body = "b".repeat((int) AwsApiSettings.ONE_MIB - overhead);

        sqs.sendMessage(b -> b.queueUrl(url).messageBody(body).messageAttributes(Map.of("a",
                MessageAttributeValue.builder().dataType("String").stringValue(attrValue).build())));
        Message m = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(10).messageAttributeNames("All"))
                .messages().get(0);
        assertThat(m.body()).hasSize(body.length());

        var e = org.assertj.core.api.Assertions.catchThrowableOfType(
                software.amazon.awssdk.services.sqs.model.SqsException.class,
                () -> sqs.sendMessage(b -> b.queueUrl(url).messageBody(body + "b").messageAttributes(Map.of("a",
                        MessageAttributeValue.builder().dataType("String").stringValue(attrValue).build()))));
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
    }

    @Test
    void aGroupIdOnAStandardQueueIsAcceptedAndReturned() {
        String url = queue();

        sqs.sendMessage(b -> b.queueUrl(url).messageBody("fair").messageGroupId("tenant-1"));

        Message m = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(10)
                .messageSystemAttributeNamesWithStrings("All")).messages().get(0);
        assertThat(m.body()).isEqualTo("fair");
        assertThat(m.attributesAsStrings()).containsEntry("MessageGroupId", "tenant-1");
    }

    @Test
    void aTraceHeaderSystemAttributeIsKeptAndItsMd5Checked() {
        String url = queue();

        // The SDK checks MD5OfMessageSystemAttributes in the answer.
        var sent = sqs.sendMessage(b -> b.queueUrl(url).messageBody("traced").messageSystemAttributesWithStrings(Map.of(
                "AWSTraceHeader", software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue.builder()
                        .dataType("String").stringValue("Root=1-5759e988-bd862e3fe1be46a994272793").build())));
        assertThat(sent.md5OfMessageSystemAttributes()).hasSize(32);

        Message m = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(10)
                .messageSystemAttributeNamesWithStrings("AWSTraceHeader")).messages().get(0);
        assertThat(m.attributesAsStrings()).containsEntry("AWSTraceHeader", "Root=1-5759e988-bd862e3fe1be46a994272793");
    }
}
