package io.ferrymq.aws.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.sqs.AttributeValue;
import io.ferrymq.aws.sqs.MessageProperties;
import io.ferrymq.core.message.Message;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;

/**
 * The JSON documents SNS delivers: notifications (to SQS queues without raw delivery and to HTTP/S
 * endpoints) and subscription confirmations, signed with the broker's SNS key.
 */
final class SnsEnvelope {

    static final String TOPIC_ARN = "aws.sns.topic-arn";
    static final String SUBJECT = "aws.sns.subject";
    static final String STRUCTURE = "aws.sns.structure";
    static final String SEQUENCE = "aws.sns.sequence";
    static final String CERT_PATH = "/ferrymq/sns/SimpleNotificationService.pem";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SnsSigner signer;

    SnsEnvelope(SnsSigner signer) {
        this.signer = signer;
    }

    /** The message text for a protocol: its entry of a {@code MessageStructure=json} message, or the default. */
    static String messageFor(Message m, String protocol) {
        String structured = structuredFor(m, protocol);
        return structured != null ? structured : new String(m.body(), StandardCharsets.UTF_8);
    }

    /** The text a MessageStructure publish gave for the protocol (or its default), or null when it gave none. */
    static String structuredFor(Message m, String protocol) {
        Object structure = m.property(STRUCTURE);
        if (structure instanceof String s) {
            try {
                JsonNode n = JSON.readTree(s);
                JsonNode v = n.get(protocol);
                if (v != null && v.isTextual()) {
                    return v.asText();
                }
                JsonNode d = n.get("default");
                if (d != null && d.isTextual()) {
                    return d.asText();
                }
            } catch (java.io.IOException ignored) {
                // Validated at publish; fall back to the body.
            }
        }
        return null;
    }

    private static String isoMillis(long millis) {
        String s = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis));
        // ISO_INSTANT drops ".000"; SNS always writes milliseconds.
        return s.contains(".") ? s : s.replace("Z", ".000Z");
    }

    String notification(Message m, SubscriptionMeta sub, TopicMeta topic, String protocol, String baseUrl) {
        String topicArn = String.valueOf(m.property(TOPIC_ARN));
        String message = messageFor(m, protocol);
        String messageId = m.messageId();
        String ts = isoMillis(m.timestamp() > 0 ? m.timestamp() : System.currentTimeMillis());
        Object subject = m.property(SUBJECT);
        String version = topic != null && "2".equals(topic.attribute("SignatureVersion")) ? "2" : "1";
        StringBuilder toSign = new StringBuilder();
        toSign.append("Message\n").append(message).append('\n').append("MessageId\n").append(messageId).append('\n');
        if (subject != null) {
            toSign.append("Subject\n").append(subject).append('\n');
        }
        toSign.append("Timestamp\n").append(ts).append('\n').append("TopicArn\n").append(topicArn).append('\n')
                .append("Type\nNotification\n");
        ObjectNode o = JSON.createObjectNode();
        o.put("Type", "Notification").put("MessageId", messageId);
        Object seq = m.property(SEQUENCE);
        if (seq != null) {
            o.put("SequenceNumber", seq.toString());
        }
        o.put("TopicArn", topicArn);
        if (subject != null) {
            o.put("Subject", subject.toString());
        }
        o.put("Message", message).put("Timestamp", ts).put("SignatureVersion", version)
                .put("Signature", signer.sign(toSign.toString(), version))
                .put("SigningCertURL", baseUrl + CERT_PATH)
                .put("UnsubscribeURL", baseUrl + "/?Action=Unsubscribe&SubscriptionArn="
                        + URLEncoder.encode(sub == null ? topicArn : sub.arn(), StandardCharsets.UTF_8));
        Map<String, AttributeValue> attrs = MessageProperties.read(m);
        if (!attrs.isEmpty()) {
            ObjectNode a = o.putObject("MessageAttributes");
            for (Map.Entry<String, AttributeValue> e : attrs.entrySet()) {
                AttributeValue v = e.getValue();
                a.putObject(e.getKey()).put("Type", v.dataType()).put("Value", v.binaryValue() != null
                        ? Base64.getEncoder().encodeToString(v.binaryValue()) : v.stringValue());
            }
        }
        return o.toString();
    }

    String confirmation(SubscriptionMeta sub, TopicMeta topic, String messageId, long now) {
        String ts = isoMillis(now);
        String subscribeUrl = sub.baseUrl() + "/?Action=ConfirmSubscription&TopicArn="
                + URLEncoder.encode(sub.topicArn(), StandardCharsets.UTF_8) + "&Token=" + sub.token();
        String message = "You have chosen to subscribe to the topic " + sub.topicArn()
                + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.";
        String version = topic != null && "2".equals(topic.attribute("SignatureVersion")) ? "2" : "1";
        String toSign = "Message\n" + message + "\nMessageId\n" + messageId + "\nSubscribeURL\n" + subscribeUrl
                + "\nTimestamp\n" + ts + "\nToken\n" + sub.token() + "\nTopicArn\n" + sub.topicArn()
                + "\nType\nSubscriptionConfirmation\n";
        ObjectNode o = JSON.createObjectNode();
        o.put("Type", "SubscriptionConfirmation").put("MessageId", messageId).put("Token", sub.token())
                .put("TopicArn", sub.topicArn()).put("Message", message).put("SubscribeURL", subscribeUrl)
                .put("Timestamp", ts).put("SignatureVersion", version).put("Signature", signer.sign(toSign, version))
                .put("SigningCertURL", sub.baseUrl() + CERT_PATH);
        return o.toString();
    }
}
