package io.ferrymq.aws.sqs;

import io.ferrymq.core.message.Message;

import java.util.Map;

/**
 * Shows a message that another service put into a queue the way SQS consumers expect it: SNS
 * notifications in their JSON envelope, or raw with their attributes, depending on the subscription.
 */
public interface MessageRenderer {

    /** A body (null: the message's own, shown as {@link SqsBody} says) and attributes to show instead of the message's own. */
    record Rendered(String body, Map<String, AttributeValue> attributes) { }

    /** @return null to show the message as it is */
    Rendered render(Message message, String vhost, String queue);

    MessageRenderer NONE = (m, v, q) -> null;
}
