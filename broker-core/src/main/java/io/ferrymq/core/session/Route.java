package io.ferrymq.core.session;

import io.ferrymq.core.routing.DefaultExchange;

/**
 * Where a publish goes.
 *
 * @param exchange   the exchange; "" is the default exchange, where the key names a queue
 * @param routingKey the key the exchange routes by
 * @param toQueue    the key names a queue that must exist (or is auto-created when the policy allows):
 *                   publishing to a missing queue is then an error rather than a silent drop
 */
public record Route(String exchange, String routingKey, boolean toQueue) {

    public Route {
        exchange = exchange == null ? "" : exchange;
        routingKey = routingKey == null ? "" : routingKey;
    }

    /** A queue by name (STOMP {@code /queue/Q}, AMQP 1.0 address {@code Q}, SQS queue {@code Q}). */
    public static Route queue(String queueName) {
        return new Route(DefaultExchange.NAME, queueName, true);
    }

    /** An exchange and key; unroutable messages are dropped (the adapter may report them). */
    public static Route exchange(String exchange, String routingKey) {
        return new Route(exchange, routingKey, false);
    }
}
