package io.ferrymq.core.policy;

/**
 * Where dead or expired messages go: an exchange and a routing key. A plain queue target is the default
 * exchange with the queue's name as key; a null routing key keeps the message's original key (as
 * RabbitMQ's dead-letter exchanges do).
 */
public record DeadLetterTarget(String exchange, String routingKey) {

    public static DeadLetterTarget queue(String name) {
        return new DeadLetterTarget("", name);
    }

    public boolean isQueue() {
        return exchange.isEmpty() && routingKey != null;
    }

    public String describe() {
        return isQueue() ? "queue '" + routingKey + "'"
                : "exchange '" + exchange + "'" + (routingKey == null ? "" : " with key '" + routingKey + "'");
    }
}
