package io.ferrymq.aws.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferrymq.aws.Arn;
import io.ferrymq.aws.wire.AwsError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The queue attributes SQS knows: which exist, which may be set, their ranges and defaults. */
public final class QueueAttributes {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final List<String> READ_ONLY = List.of("ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp",
            "LastModifiedTimestamp", "QueueArn");
    public static final Set<String> SETTABLE = Set.of("DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod",
            "Policy", "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout", "RedrivePolicy", "RedriveAllowPolicy",
            "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled");
    public static final Set<String> FIFO_ONLY = Set.of("FifoQueue", "ContentBasedDeduplication", "DeduplicationScope",
            "FifoThroughputLimit");

    /** The redrive policy of a queue. */
    public record Redrive(String deadLetterTargetArn, int maxReceiveCount) { }

    private QueueAttributes() {
    }

    public static boolean known(String name) {
        return READ_ONLY.contains(name) || SETTABLE.contains(name) || FIFO_ONLY.contains(name);
    }

    /** Defaults, then what was set. */
    public static Map<String, String> effective(QueueMeta m, long maxMessageBytes) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("VisibilityTimeout", "30");
        a.put("MaximumMessageSize", Long.toString(maxMessageBytes));
        a.put("MessageRetentionPeriod", "345600");
        a.put("DelaySeconds", "0");
        a.put("ReceiveMessageWaitTimeSeconds", "0");
        a.put("SqsManagedSseEnabled", "false");
        if (m.fifo()) {
            a.put("FifoQueue", "true");
            a.put("ContentBasedDeduplication", "false");
            a.put("DeduplicationScope", "queue");
            a.put("FifoThroughputLimit", "perQueue");
        }
        a.putAll(m.attributes());
        return a;
    }

    public static int intAttr(QueueMeta m, String name, int fallback) {
        String v = m.attribute(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    public static Redrive redrive(QueueMeta m) {
        String v = m.attribute("RedrivePolicy");
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(v);
            return new Redrive(n.path("deadLetterTargetArn").asText(), n.path("maxReceiveCount").asInt());
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * Checks attributes for CreateQueue ({@code create}) or SetQueueAttributes, in AWS's words.
     *
     * @param queues   finds a queue's metadata by ARN (for redrive targets); null result for none
     * @param selfArn  the ARN of the queue being configured
     */
    public static void validate(Map<String, String> attrs, boolean fifo, boolean create, long maxMessageBytes,
                                Function<String, QueueMeta> queues, String selfArn) {
        for (Map.Entry<String, String> e : attrs.entrySet()) {
            String name = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue();
            if (READ_ONLY.contains(name) || !known(name) || (!fifo && FIFO_ONLY.contains(name) && !name.equals("FifoQueue"))
                    || (!create && name.equals("FifoQueue"))) {
                throw SqsErrors.invalidAttributeName(name);
            }
            switch (name) {
                case "DelaySeconds" -> range(name, value, 0, 900);
                case "MaximumMessageSize" -> range(name, value, 1024, maxMessageBytes);
                case "MessageRetentionPeriod" -> range(name, value, 60, 1_209_600);
                case "ReceiveMessageWaitTimeSeconds" -> range(name, value, 0, 20);
                case "VisibilityTimeout" -> range(name, value, 0, 43_200);
                case "KmsDataKeyReusePeriodSeconds" -> range(name, value, 60, 86_400);
                case "SqsManagedSseEnabled", "ContentBasedDeduplication" -> bool(name, value);
                case "FifoQueue" -> {
                    bool(name, value);
                }
                case "DeduplicationScope" -> oneOf(name, value, "messageGroup", "queue");
                case "FifoThroughputLimit" -> oneOf(name, value, "perQueue", "perMessageGroupId");
                case "Policy" -> json(name, value);
                case "RedrivePolicy" -> redrivePolicy(value, fifo, queues, selfArn);
                case "RedriveAllowPolicy" -> redriveAllowPolicy(value);
                default -> { }
            }
        }
        String scope = attrs.get("DeduplicationScope");
        if ("perMessageGroupId".equals(attrs.get("FifoThroughputLimit")) && "queue".equals(scope)) {
            throw SqsErrors.invalidAttributeValue("FifoThroughputLimit", "The FifoThroughputLimit perMessageGroupId"
                    + " requires the DeduplicationScope messageGroup.");
        }
    }

    private static void range(String name, String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw SqsErrors.invalidAttributeValue(name);
        }
        if (n < min || n > max) {
            throw SqsErrors.invalidAttributeValue(name);
        }
    }

    private static void bool(String name, String value) {
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw SqsErrors.invalidAttributeValue(name);
        }
    }

    private static void oneOf(String name, String value, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value)) {
                return;
            }
        }
        throw SqsErrors.invalidAttributeValue(name);
    }

    private static void json(String name, String value) {
        if (value.isEmpty()) {
            return;
        }
        try {
            JsonNode n = JSON.readTree(value);
            if (n == null || !n.isObject()) {
                throw SqsErrors.invalidAttributeValue(name);
            }
        } catch (java.io.IOException e) {
            throw SqsErrors.invalidAttributeValue(name);
        }
    }

    private static void redrivePolicy(String value, boolean fifo, Function<String, QueueMeta> queues, String selfArn) {
        if (value.isEmpty()) {
            return;
        }
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (java.io.IOException e) {
            throw SqsErrors.invalidValue(value, "RedrivePolicy", "Redrive policy is not a valid JSON map.");
        }
        if (n == null || !n.isObject()) {
            throw SqsErrors.invalidValue(value, "RedrivePolicy", "Redrive policy is not a valid JSON map.");
        }
        JsonNode target = n.get("deadLetterTargetArn");
        JsonNode count = n.get("maxReceiveCount");
        if (target == null || target.asText().isEmpty()) {
            throw SqsErrors.invalidValue(value, "RedrivePolicy", "Redrive policy does not contain mandatory attribute:"
                    + " deadLetterTargetArn.");
        }
        if (count == null) {
            throw SqsErrors.invalidValue(value, "RedrivePolicy", "Redrive policy does not contain mandatory attribute:"
                    + " maxReceiveCount.");
        }
        int c;
        try {
            c = Integer.parseInt(count.asText().trim());
        } catch (NumberFormatException e) {
            c = -1;
        }
        if (c < 1 || c > 1000) {
            throw SqsErrors.invalidValue(value, "RedrivePolicy", "Invalid value for maxReceiveCount: " + count.asText()
                    + ", valid values are from 1 to 1000 both inclusive.");
        }
        Arn arn = Arn.parse(target.asText());
        if (arn == null || !arn.service().equals("sqs")) {
            throw SqsErrors.invalidValue(value, "RedrivePolicy", "Invalid value for deadLetterTargetArn.");
        }
        QueueMeta dlq = queues.apply(target.asText());
        if (dlq == null) {
            throw AwsError.badRequest("AWS.SimpleQueueService.NonExistentQueue",
                    "Value " + value + " for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.");
        }
        if (dlq.fifo() != fifo) {
            throw SqsErrors.invalidValue(value, "RedrivePolicy",
                    "Dead-letter queue must be same type of queue as the source.");
        }
        if (target.asText().equals(selfArn)) {
            throw SqsErrors.invalidValue(value, "RedrivePolicy", "A queue cannot be its own dead-letter queue.");
        }
        String allow = dlq.attribute("RedriveAllowPolicy");
        if (allow != null && !allow.isEmpty()) {
            try {
                JsonNode a = JSON.readTree(allow);
                String permission = a.path("redrivePermission").asText();
                boolean allowed = switch (permission) {
                    case "denyAll" -> false;
                    case "byQueue" -> {
                        boolean found = false;
                        for (JsonNode s : a.path("sourceQueueArns")) {
                            found |= s.asText().equals(selfArn);
                        }
                        yield found;
                    }
                    default -> true;
                };
                if (!allowed) {
                    throw SqsErrors.invalidValue(value, "RedrivePolicy", "Queue " + target.asText()
                            + " does not allow this queue to use it as a dead-letter queue (its RedriveAllowPolicy).");
                }
            } catch (java.io.IOException ignored) {
                // Stored policies were validated when set.
            }
        }
    }

    private static void redriveAllowPolicy(String value) {
        if (value.isEmpty()) {
            return;
        }
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (java.io.IOException e) {
            throw SqsErrors.invalidValue(value, "RedriveAllowPolicy", "Redrive allow policy is not a valid JSON map.");
        }
        String p = n == null ? "" : n.path("redrivePermission").asText();
        if (!p.equals("allowAll") && !p.equals("denyAll") && !p.equals("byQueue")) {
            throw SqsErrors.invalidValue(value, "RedriveAllowPolicy", "Invalid value for redrivePermission: " + p
                    + ". Valid values are allowAll, denyAll and byQueue.");
        }
        JsonNode sources = n.get("sourceQueueArns");
        int count = sources != null && sources.isArray() ? sources.size() : 0;
        if (p.equals("byQueue") && (count < 1 || count > 10)) {
            throw SqsErrors.invalidValue(value, "RedriveAllowPolicy", "Number of sourceQueueArns must be between 1 and"
                    + " 10 when redrivePermission is byQueue.");
        }
        if (!p.equals("byQueue") && count > 0) {
            throw SqsErrors.invalidValue(value, "RedriveAllowPolicy", "sourceQueueArns may only be given when"
                    + " redrivePermission is byQueue.");
        }
    }
}
