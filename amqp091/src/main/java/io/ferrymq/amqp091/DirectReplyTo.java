package io.ferrymq.amqp091;

import io.ferrymq.amqp091.codec.BasicProperties;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RabbitMQ's direct reply-to: a channel consuming (no-ack) from the pseudo-queue {@value #PSEUDO_QUEUE} gets
 * a reply address {@code amq.rabbitmq.reply-to.<token>} of its own; its requests' {@code reply-to} is
 * rewritten to that address, and what anyone publishes to the default exchange with that address as the
 * routing key goes straight to the consumer, through no queue. A reply to an address whose consumer is gone
 * is dropped, as in RabbitMQ. One instance per listener set (so per broker): the addresses of every AMQP 0-9-1
 * connection of the broker.
 */
final class DirectReplyTo {

    static final String PSEUDO_QUEUE = "amq.rabbitmq.reply-to";
    static final String PREFIX = PSEUDO_QUEUE + ".";

    private final Map<String, Amqp091Channel> consumers = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    static boolean isReplyAddress(String routingKey) {
        return routingKey.startsWith(PREFIX);
    }

    /** A new address for a channel's reply consumer. */
    String register(Amqp091Channel ch) {
        byte[] token = new byte[18];
        random.nextBytes(token);
        String address = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        consumers.put(address, ch);
        return address;
    }

    void unregister(String address) {
        consumers.remove(address);
    }

    boolean exists(String address) {
        return consumers.containsKey(address);
    }

    /**
     * Hands a reply to the consumer of its address, on that consumer's connection's event loop.
     *
     * @return false when no consumer has the address (the reply is dropped)
     */
    boolean deliver(String address, BasicProperties properties, byte[] body) {
        Amqp091Channel ch = consumers.get(address);
        if (ch == null) {
            return false;
        }
        ch.conn.executor().execute(() -> ch.deliverReply(address, properties, body));
        return true;
    }
}
