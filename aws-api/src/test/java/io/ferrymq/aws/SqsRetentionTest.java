package io.ferrymq.aws;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MessageRetentionPeriod with the broker's clock moved forward (its 60 s minimum is too long to wait for): a message
 * past it is deleted unreceived, whatever the queue's counters said before.
 */
class SqsRetentionTest {

    private final AtomicLong ahead = new AtomicLong();
    private AwsTestBroker broker;
    private SqsClient sqs;

    @BeforeEach
    void start() {
        broker = AwsTestBroker.withClock(() -> System.currentTimeMillis() + ahead.get());
        sqs = broker.sqs();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private String queue(String retentionSeconds) {
        return sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("kept"))
                .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, retentionSeconds))).queueUrl();
    }

    private String messagesIn(String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
    }

    @Test
    void aMessageOlderThanTheRetentionPeriodIsDeletedUnreceived() {
        String url = queue("60");
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("old"));
        // Wide margins: real seconds pass between requests on a busy machine.
        ahead.addAndGet(45_000);
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("younger"));
        assertThat(messagesIn(url)).isEqualTo("2");
        ahead.addAndGet(16_000);

        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages())
                .extracting(Message::body).containsExactly("younger");
        assertThat(messagesIn(url)).as("the expired message is gone, the other in flight").isEqualTo("0");
    }

    @Test
    void aRetentionPeriodChangedLaterAppliesToMessagesSentAfterTheChange() {
        String url = queue("60");
        sqs.setQueueAttributes(b -> b.queueUrl(url)
                .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "120")));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("kept two minutes"));
        ahead.addAndGet(90_000);

        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages())
                .extracting(Message::body).containsExactly("kept two minutes");
    }

    @Test
    void theDefaultRetentionOfFourDaysKeepsAMessageForThreeDaysButNotFive() {
        String url = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("default"))).queueUrl();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("still here"));
        ahead.addAndGet(3L * 24 * 3600 * 1000);
        assertThat(messagesIn(url)).isEqualTo("1");
        ahead.addAndGet(2L * 24 * 3600 * 1000);
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url)).messages()).isEmpty();
        assertThat(messagesIn(url)).isEqualTo("0");
    }
}
