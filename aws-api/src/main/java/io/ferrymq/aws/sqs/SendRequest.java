package io.ferrymq.aws.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.aws.fifo.FifoRules;
import io.ferrymq.aws.wire.Inputs;

import java.util.Map;

/**
 * One SendMessage request (or batch entry), read and checked against its queue: the body, the delay,
 * message and system attributes, the size limit and the FIFO ids.
 *
 * @param delaySeconds as given, or null for the queue's DelaySeconds
 * @param ids          the group and deduplication ids after the FIFO rules
 */
record SendRequest(String body, Integer delaySeconds, Map<String, AttributeValue> attributes,
                   Map<String, AttributeValue> systemAttributes, FifoRules.Ids ids) {

    /** SQS's wording of the FIFO refusals. */
    static final FifoRules.Refusals REFUSALS = new FifoRules.Refusals() {
        @Override
        public RuntimeException malformed(String parameter, String value) {
            return SqsErrors.invalidValue(value, parameter, parameter + " can only include alphanumeric and"
                    + " punctuation characters. 1 to 128 in length.");
        }

        @Override
        public RuntimeException groupIdMissing() {
            return SqsErrors.missing("MessageGroupId");
        }

        @Override
        public RuntimeException deduplicationIdMissing() {
            return SqsErrors.invalidParameterValue("The queue should either have ContentBasedDeduplication enabled"
                    + " or MessageDeduplicationId provided explicitly");
        }

        @Override
        public RuntimeException deduplicationIdNotAllowed(String value) {
            return SqsErrors.invalidValue(value, "MessageDeduplicationId", "The request includes a parameter that is"
                    + " not valid for this queue type.");
        }
    };

    /** @throws io.ferrymq.aws.wire.AwsError the error SQS gives for the first thing wrong */
    static SendRequest parse(JsonNode in, QueueMeta meta, long maxMessageBytes) {
        String body = Inputs.string(in, "MessageBody");
        if (body == null || body.isEmpty()) {
            throw SqsErrors.missing("MessageBody");
        }
        String bad = SqsMessages.invalidCharacter(body);
        if (bad != null) {
            throw SqsErrors.invalidMessageContents("Invalid binary character '" + bad + "' was found in the message"
                    + " body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD |"
                    + " #x10000 to #x10FFFF");
        }
        boolean fifo = meta.fifo();
        Integer delay = Inputs.integer(in, "DelaySeconds");
        if (delay != null && fifo) {
            throw SqsErrors.invalidValue(delay, "DelaySeconds", "The request include parameter that is not valid for"
                    + " this queue type.");
        }
        if (delay != null && (delay < 0 || delay > 900)) {
            throw SqsErrors.invalidValue(delay, "DelaySeconds", "DelaySeconds must be >= 0 and <= 900.");
        }
        Map<String, AttributeValue> attrs = MessageProperties.parseMap(in.get("MessageAttributes"));
        MessageProperties.validate(attrs);
        Map<String, AttributeValue> system = systemAttributes(in);
        long size = Md5.utf8Length(body);
        for (Map.Entry<String, AttributeValue> a : attrs.entrySet()) {
            size += a.getValue().size(a.getKey());
        }
        long max = QueueAttributes.intAttr(meta, "MaximumMessageSize", (int) maxMessageBytes);
        if (size > max) {
            throw MessageProperties.tooLarge(max);
        }
        FifoRules.Ids ids = FifoRules.apply(fifo, "true".equalsIgnoreCase(meta.attribute("ContentBasedDeduplication")),
                Inputs.string(in, "MessageGroupId"), Inputs.string(in, "MessageDeduplicationId"), body, REFUSALS);
        return new SendRequest(body, delay, attrs, system, ids);
    }

    /** The only system attribute a sender may set is a non-empty String AWSTraceHeader. */
    private static Map<String, AttributeValue> systemAttributes(JsonNode in) {
        Map<String, AttributeValue> system = MessageProperties.parseMap(in.get("MessageSystemAttributes"));
        for (Map.Entry<String, AttributeValue> s : system.entrySet()) {
            if (!s.getKey().equals("AWSTraceHeader")) {
                throw SqsErrors.invalidParameterValue("Message system attribute name '" + s.getKey() + "' is invalid.");
            }
            if (!s.getValue().dataType().equals("String") || s.getValue().stringValue() == null
                    || s.getValue().stringValue().isEmpty()) {
                throw SqsErrors.invalidParameterValue("Message system attribute 'AWSTraceHeader' must be of type"
                        + " String and not empty.");
            }
        }
        return system;
    }
}
