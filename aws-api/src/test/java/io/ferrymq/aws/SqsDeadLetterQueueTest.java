package io.ferrymq.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** RedrivePolicy: messages received too often move to the dead-letter queue; move tasks bring them back. */
class SqsDeadLetterQueueTest {

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

    private static String arn(String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()
                .get(QueueAttributeName.QUEUE_ARN);
    }

    private static String[] sourceAndDlq(int maxReceiveCount) {
        String dlq = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("dlq"))).queueUrl();
        String policy = "{\"deadLetterTargetArn\":\"" + arn(dlq) + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
        String src = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("src"))
                .attributes(Map.of(QueueAttributeName.REDRIVE_POLICY, policy))).queueUrl();
        return new String[] {src, dlq};
    }

    private static void receiveAndRelease(String url) {
        Message m = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).messages().get(0);
        sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
    }

    @Test
    void aMessageReceivedMoreThanMaxReceiveCountTimesMovesToTheDeadLetterQueue() {
        String[] q = sourceAndDlq(2);
        String sent = sqs.sendMessage(b -> b.queueUrl(q[0]).messageBody("poison")).messageId();
        receiveAndRelease(q[0]);
        receiveAndRelease(q[0]);

        assertThat(sqs.receiveMessage(b -> b.queueUrl(q[0]).waitTimeSeconds(1)).messages())
                .as("the third receive moves it instead").isEmpty();
        Message dead = sqs.receiveMessage(b -> b.queueUrl(q[1]).waitTimeSeconds(5)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages().get(0);
        assertThat(dead.body()).isEqualTo("poison");
        assertThat(dead.messageId()).isEqualTo(sent);
        assertThat(dead.attributes().get(MessageSystemAttributeName.DEAD_LETTER_QUEUE_SOURCE_ARN)).isEqualTo(arn(q[0]));
    }

    @Test
    void theDeadLetterQueueListsItsSources() {
        String[] q = sourceAndDlq(3);

        assertThat(sqs.listDeadLetterSourceQueues(b -> b.queueUrl(q[1])).queueUrls()).containsExactly(q[0]);
        assertThat(sqs.listDeadLetterSourceQueues(b -> b.queueUrl(q[0])).queueUrls()).isEmpty();
    }

    @Test
    void aMoveTaskRedrivesDeadLettersBackToTheirSource() {
        String[] q = sourceAndDlq(1);
        for (int i = 0; i < 3; i++) {
            int n = i;
            sqs.sendMessage(b -> b.queueUrl(q[0]).messageBody("m" + n));
        }
        // Every receive counts; a message's second receive moves it.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            sqs.receiveMessage(b -> b.queueUrl(q[0]).maxNumberOfMessages(10).visibilityTimeout(0));
            return "3".equals(sqs.getQueueAttributes(b -> b.queueUrl(q[1]).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                    .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
        });

        String handle = sqs.startMessageMoveTask(b -> b.sourceArn(arn(q[1]))).taskHandle();
        assertThat(handle).isNotBlank();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            ListMessageMoveTasksResultEntry t = sqs.listMessageMoveTasks(b -> b.sourceArn(arn(q[1]))).results().get(0);
            assertThat(t.status()).isEqualTo("COMPLETED");
            assertThat(t.approximateNumberOfMessagesMoved()).isEqualTo(3L);
        });
        assertThat(sqs.receiveMessage(b -> b.queueUrl(q[0]).maxNumberOfMessages(10)).messages())
                .extracting(Message::body).containsExactlyInAnyOrder("m0", "m1", "m2");
    }

    @Test
    void aMoveTaskNeedsADeadLetterQueueAndCanBeCancelled() {
        String plain = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("plain"))).queueUrl();
        assertThatThrownBy(() -> sqs.startMessageMoveTask(b -> b.sourceArn(arn(plain))))
                .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.getMessage())
                        .contains("Source queue must be configured as a Dead Letter Queue."));
        assertThatThrownBy(() -> sqs.startMessageMoveTask(b -> b.sourceArn("arn:aws:sqs:us-east-1:000000000000:nope")))
                .isInstanceOf(software.amazon.awssdk.services.sqs.model.ResourceNotFoundException.class);

        String[] q = sourceAndDlq(1);
        String handle = sqs.startMessageMoveTask(b -> b.sourceArn(arn(q[1])).maxNumberOfMessagesPerSecond(1)).taskHandle();
        try {
            sqs.cancelMessageMoveTask(b -> b.taskHandle(handle));
        } catch (SqsException finishedFirst) {
            assertThat(finishedFirst.getMessage()).contains("Only active tasks can be cancelled");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                sqs.listMessageMoveTasks(b -> b.sourceArn(arn(q[1]))).results().get(0).status())
                .isIn("CANCELLED", "COMPLETED"));
    }

    @Test
    void aRedrivePolicyMustNameAnExistingQueueOfTheSameType() {
        String src = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("src"))).queueUrl();
        String fifoDlq = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("dlq") + ".fifo")
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();

        assertThatThrownBy(() -> sqs.setQueueAttributes(b -> b.queueUrl(src).attributes(Map.of(
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:missing\",\"maxReceiveCount\":3}"))))
                .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.getMessage()).contains("Dead letter target does not exist"));
        assertThatThrownBy(() -> sqs.setQueueAttributes(b -> b.queueUrl(src).attributes(Map.of(
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arn(fifoDlq) + "\",\"maxReceiveCount\":3}"))))
                .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue"));
        assertThatThrownBy(() -> sqs.setQueueAttributes(b -> b.queueUrl(src).attributes(Map.of(
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arn(fifoDlq) + "\",\"maxReceiveCount\":0}"))))
                .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.getMessage()).contains("valid values are from 1 to 1000"));
    }

    @Test
    void aRedriveAllowPolicyCanRefuseASource() {
        String dlq = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("dlq")).attributes(Map.of(
                QueueAttributeName.REDRIVE_ALLOW_POLICY, "{\"redrivePermission\":\"denyAll\"}"))).queueUrl();

        assertThatThrownBy(() -> sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("src")).attributes(Map.of(
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arn(dlq) + "\",\"maxReceiveCount\":3}"))))
                .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.getMessage()).contains("does not allow"));
    }
}
