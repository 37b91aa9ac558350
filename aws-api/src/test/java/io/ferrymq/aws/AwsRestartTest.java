package io.ferrymq.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A durable broker keeps SQS queues with their attributes and messages, and SNS topics with their subscriptions. */
class AwsRestartTest {

    @TempDir
    Path dir;

    @Test
    void queuesMessagesTopicsAndSubscriptionsSurviveARestart() {
        String queue = AwsTestBroker.unique("kept");
        String topicArn;
        String url;
        try (AwsTestBroker broker = AwsTestBroker.durable(AwsApiSettings.defaults(), dir)) {
            SqsClient sqs = broker.sqs();
            SnsClient sns = broker.sns();
            url = sqs.createQueue(b -> b.queueName(queue).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "77")))
                    .queueUrl();
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("before the restart"));
            topicArn = sns.createTopic(b -> b.name(AwsTestBroker.unique("kept"))).topicArn();
            String arn = SnsFixtures.queueArn(sqs, url);
            sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(arn).attributes(Map.of(
                    "RawMessageDelivery", "true", "FilterPolicy", "{\"k\":[\"yes\"]}")));
        }

        try (AwsTestBroker broker = AwsTestBroker.durable(AwsApiSettings.defaults(), dir)) {
            SqsClient sqs = broker.sqs();
            SnsClient sns = broker.sns();
            String again = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
            assertThat(sqs.getQueueAttributes(b -> b.queueUrl(again).attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT))
                    .attributes()).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "77");
            assertThat(sns.listSubscriptionsByTopic(b -> b.topicArn(topicArn)).subscriptions()).hasSize(1);

            sns.publish(b -> b.topicArn(topicArn).message("filtered out").messageAttributes(Map.of("k",
                    software.amazon.awssdk.services.sns.model.MessageAttributeValue.builder().dataType("String")
                            .stringValue("no").build())));
            sns.publish(b -> b.topicArn(topicArn).message("after the restart").messageAttributes(Map.of("k",
                    software.amazon.awssdk.services.sns.model.MessageAttributeValue.builder().dataType("String")
                            .stringValue("yes").build())));

            assertThat(SnsFixtures.receive(sqs, again, 2, Duration.ofSeconds(20))).extracting(Message::body)
                    .containsExactlyInAnyOrder("before the restart", "after the restart");
        }
    }

    @Test
    void anSnsFifoRepublishAfterARestartGetsTheFirstPublishsAnswerAndIsNotDeliveredAgain() {
        String queue = AwsTestBroker.unique("prices") + ".fifo";
        String topicArn;
        String url;
        software.amazon.awssdk.services.sns.model.PublishResponse first;
        try (AwsTestBroker broker = AwsTestBroker.durable(AwsApiSettings.defaults(), dir)) {
            SqsClient sqs = broker.sqs();
            SnsClient sns = broker.sns();
            url = sqs.createQueue(b -> b.queueName(queue).attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
                    .queueUrl();
            topicArn = sns.createTopic(b -> b.name(AwsTestBroker.unique("prices") + ".fifo")
                    .attributes(Map.of("FifoTopic", "true"))).topicArn();
            String arn = SnsFixtures.queueArn(sqs, url);
            sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(arn)
                    .attributes(Map.of("RawMessageDelivery", "true")));
            first = sns.publish(b -> b.topicArn(topicArn).message("price 1").messageGroupId("g")
                    .messageDeduplicationId("price-1"));
        }

        try (AwsTestBroker broker = AwsTestBroker.durable(AwsApiSettings.defaults(), dir)) {
            SqsClient sqs = broker.sqs();
            SnsClient sns = broker.sns();
            var again = sns.publish(b -> b.topicArn(topicArn).message("price 1, resent").messageGroupId("g")
                    .messageDeduplicationId("price-1"));
            assertThat(again.messageId()).isEqualTo(first.messageId());
            assertThat(again.sequenceNumber()).isEqualTo(first.sequenceNumber());
            var next = sns.publish(b -> b.topicArn(topicArn).message("price 2").messageGroupId("g")
                    .messageDeduplicationId("price-2"));
            assertThat(next.messageId()).isNotEqualTo(first.messageId());
            assertThat(new java.math.BigInteger(next.sequenceNumber()))
                    .isGreaterThan(new java.math.BigInteger(first.sequenceNumber()));

            List<String> bodies = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Message m = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).messages().get(0);
                bodies.add(m.body());
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
            assertThat(bodies).containsExactly("price 1", "price 2");
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).messages()).isEmpty();
        }
    }

    @Test
    void aFifoResendAfterARestartWithinFiveMinutesIsNotDeliveredTwice() {
        String queue = AwsTestBroker.unique("orders") + ".fifo";
        String url;
        try (AwsTestBroker broker = AwsTestBroker.durable(AwsApiSettings.defaults(), dir)) {
            SqsClient sqs = broker.sqs();
            url = sqs.createQueue(b -> b.queueName(queue).attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
                    .queueUrl();
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("order 1").messageGroupId("g")
                    .messageDeduplicationId("order-1"));
            Message got = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).messages().get(0);
            sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(got.receiptHandle()));
        }

        try (AwsTestBroker broker = AwsTestBroker.durable(AwsApiSettings.defaults(), dir)) {
            SqsClient sqs = broker.sqs();
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("order 1, resent").messageGroupId("g")
                    .messageDeduplicationId("order-1"));
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("order 2").messageGroupId("g")
                    .messageDeduplicationId("order-2"));
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages())
                    .extracting(Message::body).containsExactly("order 2");
        }
    }
}
