package io.ferrymq.tests.matrix.endpoint;

import io.ferrymq.tests.matrix.Capabilities;
import io.ferrymq.tests.matrix.Destination;
import io.ferrymq.tests.matrix.Feature;
import io.ferrymq.tests.matrix.MatrixBroker;
import io.ferrymq.tests.matrix.ProtocolEndpoint;
import io.ferrymq.tests.matrix.ReceivedMessage;
import io.ferrymq.tests.matrix.TestMessage;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SQS and SNS through the AWS SDK v2. To a queue: SQS SendMessage to the queue of the same name. To a
 * topic key: SNS Publish to a topic with a broker-native subscription {@code ferrymq} to {@code topic/KEY}.
 * Reads through SQS ReceiveMessage. SQS carries text bodies only, string attributes (the content type as the
 * attribute {@code content-type}), no priority and no per-message expiry; a second receive shows an
 * ApproximateReceiveCount above 1. A binary body sent with another protocol must arrive losslessly: it is
 * taken as base64 when an attribute named {@code *encoding} says {@code base64} (issue 11, defect 9).
 */
public final class SqsSnsEndpoint implements ProtocolEndpoint {

    public static final String CONTENT_TYPE = "content-type";

    private final SqsClient sqs;
    private final SnsClient sns;
    private final Map<String, String> topicArns = new LinkedHashMap<>();

    public SqsSnsEndpoint(MatrixBroker broker) {
        this.sqs = MatrixBroker.sqsClient(broker.awsEndpoint());
        this.sns = SnsClient.builder().endpointOverride(broker.awsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(MatrixBroker.credentials()).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    @Override
    public String name() {
        return "SQS/SNS";
    }

    @Override
    public Capabilities capabilities() {
        // Every SQS body is text, so a message sent through SQS is text; a received one cannot say what it was.
        return new Capabilities(EnumSet.of(Feature.TEXT_MARK, Feature.CONTENT_TYPE, Feature.PROPERTIES),
                EnumSet.of(Feature.BINARY_BODY, Feature.CONTENT_TYPE, Feature.PROPERTIES, Feature.REDELIVERED_FLAG));
    }

    @Override
    public void send(Destination d, TestMessage m) {
        if (!m.text()) {
            throw new IllegalArgumentException("SQS and SNS bodies are text");
        }
        Map<String, String> attributes = new LinkedHashMap<>(m.properties());
        if (m.contentType() != null) {
            attributes.put(CONTENT_TYPE, m.contentType());
        }
        if (d.route() == Destination.Route.QUEUE) {
            Map<String, MessageAttributeValue> attrs = new LinkedHashMap<>();
            attributes.forEach((k, v) -> attrs.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
            String url = sqs.getQueueUrl(b -> b.queueName(d.queue())).queueUrl();
            sqs.sendMessage(b -> b.queueUrl(url).messageBody(m.bodyText()).messageAttributes(attrs));
        } else {
            Map<String, software.amazon.awssdk.services.sns.model.MessageAttributeValue> attrs = new LinkedHashMap<>();
            attributes.forEach((k, v) -> attrs.put(k, software.amazon.awssdk.services.sns.model.MessageAttributeValue
                    .builder().dataType("String").stringValue(v).build()));
            sns.publish(b -> b.topicArn(topicFor(d)).message(m.bodyText()).messageAttributes(attrs));
        }
    }

    /** An SNS topic forwarding to the destination's topic key, made on first use. */
    private String topicFor(Destination d) {
        return topicArns.computeIfAbsent(d.topicKey(), key -> {
            String arn = sns.createTopic(b -> b.name(d.queue() + "-sns")).topicArn();
            sns.subscribe(b -> b.topicArn(arn).protocol("ferrymq").endpoint("topic/" + key)
                    .attributes(Map.of("RawMessageDelivery", "true")));
            return arn;
        });
    }

    @Override
    public Inbox listen(Destination d) {
        String url = sqs.getQueueUrl(b -> b.queueName(d.queue())).queueUrl();
        return new SqsInbox(url);
    }

    @Override
    public void close() {
        sqs.close();
        sns.close();
    }

    private final class SqsInbox implements Inbox {
        private final String url;
        private String unsettled;

        SqsInbox(String url) {
            this.url = url;
        }

        @Override
        public ReceivedMessage receive(Duration timeout) {
            Message m = next(timeout);
            if (m == null) {
                return null;
            }
            sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
            return toReceived(m);
        }

        @Override
        public ReceivedMessage receiveUnsettled(Duration timeout) {
            Message m = next(timeout);
            if (m == null) {
                return null;
            }
            unsettled = m.receiptHandle();
            return toReceived(m);
        }

        private Message next(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                int wait = (int) Math.max(1, Math.min(20, Duration.ofNanos(deadline - System.nanoTime()).toSeconds()));
                List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1).waitTimeSeconds(wait)
                        .visibilityTimeout(60).messageAttributeNames("All")
                        .messageSystemAttributeNamesWithStrings("All")).messages();
                if (!got.isEmpty()) {
                    return got.get(0);
                }
            }
            return null;
        }

        /** A visibility timeout of zero makes the message visible again at once. */
        @Override
        public void abandon() {
            if (unsettled != null) {
                String handle = unsettled;
                sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(handle).visibilityTimeout(0));
                unsettled = null;
            }
        }

        @Override
        public void close() {
        }
    }

    private static ReceivedMessage toReceived(Message m) {
        Map<String, String> props = new LinkedHashMap<>();
        String contentType = null;
        boolean base64 = false;
        for (Map.Entry<String, MessageAttributeValue> a : m.messageAttributes().entrySet()) {
            String name = a.getKey();
            String value = a.getValue().stringValue();
            if (value == null) {
                continue;
            }
            if (name.equals(CONTENT_TYPE)) {
                contentType = value;
            } else if (name.toLowerCase(Locale.ROOT).endsWith("encoding") && value.equalsIgnoreCase("base64")) {
                base64 = true;
            } else {
                props.put(name, value);
            }
        }
        byte[] body = base64 ? Base64.getDecoder().decode(m.body()) : m.body().getBytes(StandardCharsets.UTF_8);
        String count = m.attributesAsStrings().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT.toString());
        boolean redelivered = count != null && Integer.parseInt(count) > 1;
        return new ReceivedMessage(body, contentType, props, null, null, redelivered, false);
    }
}
