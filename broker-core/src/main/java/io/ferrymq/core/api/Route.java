package io.ferrymq.core.api;

import io.ferrymq.core.routing.DefaultExchange;
import io.ferrymq.core.routing.StandardExchanges;

/**
 * Where a publish goes.
 *
 * @param exchange   the exchange; "" is the default exchange, where the key names a queue
 * @param routingKey the key the exchange routes by
 * @param toQueue    the key names a queue that must exist (or is auto-created when the policy allows):
 *                   publishing to a missing queue is then an error rather than a silent drop
 */
public record Route(String exchange, String routingKey, boolean toQueue) {

    /** The default exchange, where the routing key names a queue. */
    public static final String DEFAULT_EXCHANGE = DefaultExchange.NAME;

    /** The exchange where every protocol's topics meet (STOMP /topic, MQTT, AMQP topic addresses, SNS). */
    public static final String TOPIC_EXCHANGE = StandardExchanges.AMQ_TOPIC;

    public Route {
        exchange = exchange == null ? "" : exchange;
        routingKey = routingKey == null ? "" : routingKey;
    }

    /** A queue by name (STOMP {@code /queue/Q}, AMQP 1.0 address {@code Q}, SQS queue {@code Q}). */
    public static Route queue(String queueName) {
        return new Route(DefaultExchange.NAME, queueName, true);
    }

    /** A topic on {@link #TOPIC_EXCHANGE}, with the key in the core's dotted form. */
    public static Route topic(String key) {
        return new Route(TOPIC_EXCHANGE, key, false);
    }

    /** An exchange and key; unroutable messages are dropped (the adapter may report them). */
    public static Route exchange(String exchange, String routingKey) {
        return new Route(exchange, routingKey, false);
    }
}
