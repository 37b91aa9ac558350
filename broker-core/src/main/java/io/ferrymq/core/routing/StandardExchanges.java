package io.ferrymq.core.routing;

/**
 * The exchanges every virtual host has, under AMQP 0-9-1's names, so that RabbitMQ clients find them and
 * every protocol's topics meet on {@code amq.topic}.
 */
public final class StandardExchanges {

    public static final String AMQ_DIRECT = "amq.direct";
    public static final String AMQ_FANOUT = "amq.fanout";
    public static final String AMQ_TOPIC = "amq.topic";
    public static final String AMQ_HEADERS = "amq.headers";
    public static final String AMQ_MATCH = "amq.match";

    private StandardExchanges() {
    }
}
