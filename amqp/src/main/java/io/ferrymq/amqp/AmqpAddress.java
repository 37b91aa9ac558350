package io.ferrymq.amqp;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.security.Permission;
import org.apache.qpid.proton.amqp.Symbol;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * An AMQP address resolved to core objects, following the broker's naming convention: a plain address is a
 * queue unless the link carries the {@code topic} capability (Qpid JMS sends {@code queue}, {@code topic},
 * {@code temporary-queue}, {@code temporary-topic}), in which case it is a key on {@code amq.topic}.
 * Explicit forms override the capability: {@code queue://Q} and {@code topic://K} (Artemis' prefixes), and
 * RabbitMQ's {@code /queue/Q}, {@code /queues/Q}, {@code /amq/queue/Q}, {@code /topic/K},
 * {@code /exchange/E/K}, {@code /exchanges/E/K} (and {@code /reply-queue/Q} from STOMP's reply-to).
 */
record AmqpAddress(Kind kind, String exchange, String name) {

    enum Kind {
        /** A queue, created on first use when the policy allows. */
        QUEUE,
        /** A queue that must exist already. */
        EXISTING_QUEUE,
        /** An exchange (amq.topic for topics) and a routing key or binding pattern. */
        EXCHANGE
    }

    static final Symbol QUEUE_CAPABILITY = Symbol.valueOf("queue");
    static final Symbol TOPIC_CAPABILITY = Symbol.valueOf("topic");
    static final Symbol TEMP_QUEUE_CAPABILITY = Symbol.valueOf("temporary-queue");
    static final Symbol TEMP_TOPIC_CAPABILITY = Symbol.valueOf("temporary-topic");

    static boolean hasTopicCapability(Symbol[] capabilities) {
        if (capabilities != null) {
            for (Symbol c : capabilities) {
                if (TOPIC_CAPABILITY.equals(c) || TEMP_TOPIC_CAPABILITY.equals(c)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean hasCapability(Symbol[] capabilities, Symbol wanted) {
        if (capabilities != null) {
            for (Symbol c : capabilities) {
                if (wanted.equals(c)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * @throws BrokerException INVALID_ARGUMENT for an empty address or an empty name in an explicit form
     */
    static AmqpAddress parse(String address, boolean topic) {
        if (address == null || address.isEmpty()) {
            throw BrokerException.invalid("the address is empty; name a queue, or a topic with the topic capability");
        }
        if (address.startsWith("queue://")) {
            return queue(address.substring(8), address);
        }
        if (address.startsWith("topic://")) {
            return topic(address.substring(8), address);
        }
        if (address.startsWith("/queue/")) {
            return queue(address.substring(7), address);
        }
        if (address.startsWith("/queues/")) {
            return queue(decode(address.substring(8)), address);
        }
        if (address.startsWith("/amq/queue/")) {
            return new AmqpAddress(Kind.EXISTING_QUEUE, "", nonEmpty(address.substring(11), address));
        }
        if (address.startsWith("/reply-queue/")) {
            return new AmqpAddress(Kind.EXISTING_QUEUE, "", nonEmpty(address.substring(13), address));
        }
        if (address.startsWith("/topic/")) {
            return topic(address.substring(7), address);
        }
        if (address.startsWith("/exchange/")) {
            return exchange(address.substring(10), address, false);
        }
        if (address.startsWith("/exchanges/")) {
            return exchange(address.substring(11), address, true);
        }
        return topic ? topic(address, address) : queue(address, address);
    }

    private static AmqpAddress queue(String name, String address) {
        return new AmqpAddress(Kind.QUEUE, "", nonEmpty(name, address));
    }

    private static AmqpAddress topic(String key, String address) {
        return new AmqpAddress(Kind.EXCHANGE, Route.TOPIC_EXCHANGE, nonEmpty(key, address));
    }

    private static AmqpAddress exchange(String rest, String address, boolean encoded) {
        int slash = rest.indexOf('/');
        String exchange = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        if (encoded) {
            exchange = decode(exchange);
            key = decode(key);
        }
        return new AmqpAddress(Kind.EXCHANGE, nonEmpty(exchange, address), key);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String nonEmpty(String name, String address) {
        if (name.isEmpty()) {
            throw BrokerException.invalid("address '" + address + "' names no queue, topic or exchange");
        }
        return name;
    }

    boolean isTopic() {
        return kind == Kind.EXCHANGE;
    }

    /** Where a message sent to this address goes. */
    Route route(Session session) {
        return switch (kind) {
            case QUEUE -> Route.queue(name);
            case EXISTING_QUEUE -> {
                if (!session.admin().queueExists(name)) {
                    throw BrokerException.notFound("no queue '" + name + "' in vhost '" + session.vhostName() + "'");
                }
                yield Route.exchange("", name);
            }
            case EXCHANGE -> Route.exchange(exchange, name);
        };
    }

    /** Throws UNAUTHORIZED unless the session's user may send here. */
    void checkSend(Session session) {
        if (kind == Kind.EXCHANGE) {
            session.checkTopicPermission(Permission.SEND, exchange, name);
        } else {
            session.checkPermission(Permission.SEND, name);
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case QUEUE, EXISTING_QUEUE -> "queue '" + name + "'";
            case EXCHANGE -> Route.TOPIC_EXCHANGE.equals(exchange) ? "topic '" + name + "'"
                    : "exchange '" + exchange + "' with key '" + name + "'";
        };
    }
}
