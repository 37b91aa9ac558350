package io.ferrymq.stomp;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.errors.BrokerException;

/**
 * A STOMP destination, in every spelling clients use, mapped onto core names (the DESIGN's bridge table):
 * <ul>
 *   <li>{@code /queue/Q}, {@code queue://Q}, bare {@code Q}: queue Q (created on first use if policy allows)</li>
 *   <li>{@code /amq/queue/Q}: queue Q, which must exist (RabbitMQ)</li>
 *   <li>{@code /topic/K}, {@code topic://K}: topic key K on {@code amq.topic}; ActiveMQ's {@code >}
 *       wildcard means {@code #}</li>
 *   <li>{@code /exchange/E[/K]}: exchange E with key K (RabbitMQ)</li>
 *   <li>{@code /temp-queue/N}: the connection's own temporary queue N; {@code /reply-queue/Q}: a reply
 *       queue by its broker name</li>
 * </ul>
 */
record StompDestination(Kind kind, String name, String key) {

    enum Kind { QUEUE, AMQ_QUEUE, TOPIC, EXCHANGE, TEMP_QUEUE, REPLY_QUEUE }

    static StompDestination parse(String text) {
        if (text == null || text.isEmpty()) {
            throw BrokerException.invalid("the destination header is missing or empty");
        }
        if (text.startsWith("/queue/")) {
            return new StompDestination(Kind.QUEUE, nonEmpty(text, text.substring(7)), null);
        }
        if (text.startsWith("/topic/")) {
            return new StompDestination(Kind.TOPIC, Route.TOPIC_EXCHANGE, topicKey(nonEmpty(text, text.substring(7))));
        }
        if (text.startsWith("/amq/queue/")) {
            return new StompDestination(Kind.AMQ_QUEUE, nonEmpty(text, text.substring(11)), null);
        }
        if (text.startsWith("/exchange/")) {
            String rest = nonEmpty(text, text.substring(10));
            int slash = rest.indexOf('/');
            String exchange = slash < 0 ? rest : rest.substring(0, slash);
            String key = slash < 0 ? "" : rest.substring(slash + 1);
            return new StompDestination(Kind.EXCHANGE, nonEmpty(text, exchange), key);
        }
        if (text.startsWith("/temp-queue/")) {
            return new StompDestination(Kind.TEMP_QUEUE, nonEmpty(text, text.substring(12)), null);
        }
        if (text.startsWith("/reply-queue/")) {
            return new StompDestination(Kind.REPLY_QUEUE, nonEmpty(text, text.substring(13)), null);
        }
        if (text.startsWith("queue://")) {
            return new StompDestination(Kind.QUEUE, nonEmpty(text, text.substring(8)), null);
        }
        if (text.startsWith("topic://")) {
            return new StompDestination(Kind.TOPIC, Route.TOPIC_EXCHANGE, topicKey(nonEmpty(text, text.substring(8))));
        }
        if (text.startsWith("/")) {
            throw BrokerException.invalid("unknown destination '" + text + "': use /queue/NAME, /topic/NAME,"
                    + " /exchange/NAME/KEY, /amq/queue/NAME, /temp-queue/NAME or /reply-queue/NAME");
        }
        // Artemis treats a bare name as an anycast address: a queue.
        return new StompDestination(Kind.QUEUE, text, null);
    }

    private static String nonEmpty(String full, String part) {
        if (part.isEmpty()) {
            throw BrokerException.invalid("destination '" + full + "' has no name");
        }
        return part;
    }

    /** ActiveMQ spells "any number of words" as {@code >}; the core spells it {@code #}. */
    private static String topicKey(String k) {
        if (!k.contains(">")) {
            return k;
        }
        String[] words = k.split("\\.", -1);
        for (int i = 0; i < words.length; i++) {
            if (words[i].equals(">")) {
                words[i] = "#";
            }
        }
        return String.join(".", words);
    }

    /** The STOMP spelling of where a message was published, for MESSAGE frames. */
    static String describe(String exchange, String routingKey) {
        if (exchange.isEmpty()) {
            return "/queue/" + routingKey;
        }
        if (exchange.equals(Route.TOPIC_EXCHANGE)) {
            return "/topic/" + routingKey;
        }
        return routingKey.isEmpty() ? "/exchange/" + exchange : "/exchange/" + exchange + "/" + routingKey;
    }
}
