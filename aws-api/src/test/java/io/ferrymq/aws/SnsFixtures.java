package io.ferrymq.aws;

import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Helpers for SNS tests: a queue subscribed to a topic, and receiving until a count or a deadline. */
final class SnsFixtures {

    private SnsFixtures() {
    }

    static String queueArn(SqsClient sqs, String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** A fresh queue (FIFO when the name ends in .fifo) subscribed to a topic; returns the queue URL. */
    static String subscribedQueue(SqsClient sqs, SnsClient sns, String topicArn, Map<String, String> attrs) {
        String name = AwsTestBroker.unique("sub") + (topicArn.endsWith(".fifo") ? ".fifo" : "");
        String url = sqs.createQueue(b -> {
            b.queueName(name);
            if (name.endsWith(".fifo")) {
                b.attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"));
            }
        }).queueUrl();
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn(sqs, url)).attributes(attrs));
        return url;
    }

    /** Receives (long polling, deleting as it goes) until {@code n} messages arrived or the time is up. */
    static List<Message> receive(SqsClient sqs, String url, int n, Duration within) {
        List<Message> out = new ArrayList<>();
        Instant end = Instant.now().plus(within);
        while (out.size() < n && Instant.now().isBefore(end)) {
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            for (Message m : got) {
                out.add(m);
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
        return out;
    }

    /** Whatever arrives within a short wait: for checking that nothing was delivered. */
    static List<Message> drain(SqsClient sqs, String url) {
        return sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All")).messages();
    }
}
