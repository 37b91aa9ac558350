package io.ferrymq.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Visibility timeouts, redelivery, receipt handles, delays and long polling. */
@SuppressWarnings("unchecked") // the SDK's batch builders take varargs of Consumer lambdas
class SqsVisibilityAndPollingTest {

    static AwsTestBroker broker;
    static SqsClient sqs;
    static SqsAsyncClient async;

    @BeforeAll
    static void start() {
        broker = AwsTestBroker.start();
        sqs = broker.sqs();
        async = broker.sqsAsync();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static String queue(Map<QueueAttributeName, String> attrs) {
        return sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("vis")).attributes(attrs)).queueUrl();
    }

    @Test
    void aMessageNotDeletedComesBackAfterItsVisibilityTimeoutWithAHigherReceiveCount() {
        String url = queue(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("again"));
        Message first = sqs.receiveMessage(b -> b.queueUrl(url)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP)).messages().get(0);
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).as("invisible while in flight").isEmpty();

        Message second = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(10)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                        MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP)).messages().get(0);

        assertThat(second.messageId()).isEqualTo(first.messageId());
        assertThat(second.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).isEqualTo("2");
        assertThat(second.attributes().get(MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP))
                .as("still the first receive's time").isNotNull()
                .isEqualTo(first.attributes().get(MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP));
        assertThat(second.receiptHandle()).isNotEqualTo(first.receiptHandle());
    }

    @Test
    void aReceiptHandleStopsWorkingOnceItsMessageWasDeliveredAgain() {
        String url = queue(Map.of());
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("x"));
        Message first = sqs.receiveMessage(b -> b.queueUrl(url)).messages().get(0);
        sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(first.receiptHandle()).visibilityTimeout(0));
        Message second = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).messages().get(0);

        assertThatThrownBy(() -> sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(first.receiptHandle())))
                .isInstanceOfSatisfying(SqsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
                    assertThat(e.getMessage()).contains("The receipt handle has expired");
                });
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(second.receiptHandle()));
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(second.receiptHandle()));
    }

    @Test
    void changingTheVisibilityKeepsAMessageHiddenLongerOrReleasesIt() {
        String url = queue(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("x"));
        Message m = sqs.receiveMessage(b -> b.queueUrl(url)).messages().get(0);
        sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(600));

        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(2)).messages())
                .as("still hidden after the queue's 1 s").isEmpty();
        var batch = sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(
                e -> e.id("one").receiptHandle(m.receiptHandle()).visibilityTimeout(0)));
        assertThat(batch.successful()).hasSize(1);
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).messages()).hasSize(1);
    }

    @Test
    void aLongPollAnswersAsSoonAsAMessageArrives() throws Exception {
        String url = queue(Map.of());
        long t0 = System.nanoTime();
        CompletableFuture<software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse> poll =
                async.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(20));
        assertThat(poll).as("nothing to answer yet").isNotDone();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("wake up"));

        ReceiveMessageResponse r = poll.get(15, TimeUnit.SECONDS);

        assertThat(r.messages()).extracting(Message::body).containsExactly("wake up");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aQueueWithReceiveMessageWaitTimeLongPollsByDefault() {
        String url = queue(Map.of(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "1"));
        long t0 = System.nanoTime();

        assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).isEmpty();

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void aDelayedMessageIsInvisibleUntilItsDelayPasses() {
        String url = queue(Map.of());
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("later").delaySeconds(1));

        assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).isEmpty();
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).isEqualTo("1");
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(10)).messages())
                .extracting(Message::body).containsExactly("later");
    }

    @Test
    void aDelayQueueDelaysEveryMessage() {
        String url = queue(Map.of(QueueAttributeName.DELAY_SECONDS, "1"));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("later"));

        assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).isEmpty();
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(10)).messages()).hasSize(1);
    }

    @Test
    void theApproximateCountersFollowTheMessages() {
        String url = queue(Map.of());
        sqs.sendMessageBatch(b -> b.queueUrl(url).entries(e -> e.id("1").messageBody("a"), e -> e.id("2").messageBody("b")));
        sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            var a = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL)).attributes();
            assertThat(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).isEqualTo("1");
            assertThat(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).isEqualTo("1");
        });
    }

    @Test
    void theAsyncClientSendsAndReceives() throws Exception {
        String url = async.createQueue(b -> b.queueName(AwsTestBroker.unique("async"))).get().queueUrl();
        async.sendMessage(b -> b.queueUrl(url).messageBody("async hello")).get();

        var r = async.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).get();

        assertThat(r.messages()).extracting(Message::body).containsExactly("async hello");
        async.deleteMessage(b -> b.queueUrl(url).receiptHandle(r.messages().get(0).receiptHandle())).get();
    }

    @Test
    void purgeRemovesEverythingAndRefusesASecondPurgeWithinAMinute() {
        String url = queue(Map.of());
        sqs.sendMessageBatch(b -> b.queueUrl(url).entries(e -> e.id("1").messageBody("a"), e -> e.id("2").messageBody("b")));
        Message inFlight = sqs.receiveMessage(b -> b.queueUrl(url)).messages().get(0);

        sqs.purgeQueue(b -> b.queueUrl(url));

        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages()).isEmpty();
        assertThatThrownBy(() -> sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(inFlight.receiptHandle())))
                .isInstanceOf(SqsException.class);
        assertThatThrownBy(() -> sqs.purgeQueue(b -> b.queueUrl(url)))
                .isInstanceOf(software.amazon.awssdk.services.sqs.model.PurgeQueueInProgressException.class)
                .satisfies(e -> assertThat(((SqsException) e).awsErrorDetails().errorCode())
                        .isEqualTo("AWS.SimpleQueueService.PurgeQueueInProgress"));
    }
}
