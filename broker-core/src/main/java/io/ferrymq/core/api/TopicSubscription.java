package io.ferrymq.core.api;

import io.ferrymq.core.filter.FilterSpec;

import java.util.Map;

/**
 * A topic subscription, consumed with {@link Session#consume} as {@link Source#topic}: a temporary
 * subscription unless {@code durableName} is set or it is {@code shared}. A temporary subscription's queue is exclusive to the connection; a shared one's (named
 * by {@code queueName}) may be joined by any connection, and both go when their last consumer leaves.
 * Both need the consume permission on the topic; a durable one the create permission as well.
 */
public record TopicSubscription(String exchange, String pattern, String durableName, String queueName,
                                FilterSpec bindingFilter,
                                Map<String, Object> queueArguments, boolean shared) {

    public TopicSubscription {
        queueName = queueName == null ? "" : queueName;
        queueArguments = queueArguments == null ? Map.of() : Map.copyOf(queueArguments);
    }

    public TopicSubscription(String exchange, String pattern, String durableName, String queueName,
                             FilterSpec bindingFilter, Map<String, Object> queueArguments) {
        this(exchange, pattern, durableName, queueName, bindingFilter, queueArguments, false);
    }

    /** A non-durable subscription that consumers on any connection share by the name of its queue. */
    public static TopicSubscription shared(String exchange, String pattern, String queueName,
                                           FilterSpec bindingFilter) {
        return new TopicSubscription(exchange, pattern, null, queueName, bindingFilter, null, true);
    }

    public static TopicSubscription temporary(String exchange, String pattern) {
        return new TopicSubscription(exchange, pattern, null, null, null, null);
    }

    public static TopicSubscription durable(String exchange, String pattern, String queueName) {
        return new TopicSubscription(exchange, pattern, queueName, queueName, null, null);
    }
}
