package io.ferrymq.mqtt;

/**
 * MQTT topic names and filters in core terms, as RabbitMQ maps them: levels separated by {@code /} become
 * words separated by {@code .}, and a {@code .} inside a level becomes {@code /}, so every MQTT topic has
 * exactly one core routing key and back. {@code +} becomes {@code *}; {@code #} stays.
 */
final class TopicMapping {

    private static final String TOPIC_DESTINATION = "/topic/";

    private TopicMapping() {
    }

    /** The core routing key of an MQTT topic name. */
    static String toKey(String topic) {
        return swap(topic);
    }

    /** The MQTT topic name of a core routing key. */
    static String toTopic(String key) {
        return swap(key);
    }

    /**
     * The core reply-to of an MQTT 5 response topic: the topic as a destination every protocol resolves the
     * same way (the STOMP and RabbitMQ form {@code /topic/KEY}), so that a STOMP, AMQP or JMS responder
     * publishes its answer to the topic the MQTT requester subscribed to, not to a queue of that name.
     */
    static String toReplyTo(String responseTopic) {
        return TOPIC_DESTINATION + toKey(responseTopic);
    }

    /**
     * The MQTT 5 response topic of a core reply-to: {@code /topic/KEY} becomes the topic of that key; any other
     * destination (a queue) has no MQTT equivalent and is passed on as it is.
     */
    static String fromReplyTo(String replyTo) {
        return replyTo.startsWith(TOPIC_DESTINATION) ? toTopic(replyTo.substring(TOPIC_DESTINATION.length()))
                : replyTo;
    }

    /** The core binding pattern of an MQTT topic filter. */
    static String toPattern(String filter) {
        String swapped = swap(filter);
        StringBuilder out = new StringBuilder(swapped.length());
        String[] words = swapped.split("\\.", -1);
        for (int i = 0; i < words.length; i++) {
            if (i > 0) {
                out.append('.');
            }
            out.append(words[i].equals("+") ? "*" : words[i]);
        }
        return out.toString();
    }

    private static String swap(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] == '/') {
                c[i] = '.';
            } else if (c[i] == '.') {
                c[i] = '/';
            }
        }
        return new String(c);
    }

    /**
     * Why a topic name (of a PUBLISH) is invalid, or null when it is valid: not empty, no wildcards, no
     * NUL (MQTT 4.7.3).
     */
    static String invalidTopicName(String topic) {
        if (topic == null || topic.isEmpty()) {
            return "the topic name is empty";
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#') {
                return "topic name '" + topic + "' contains a wildcard; wildcards are for subscriptions only";
            }
            if (c == 0) {
                return "topic name contains a NUL character";
            }
        }
        return null;
    }

    /**
     * Why a topic filter is invalid, or null: {@code #} only as the whole last level, {@code +} only as a
     * whole level (MQTT 4.7.1).
     */
    static String invalidFilter(String filter) {
        if (filter == null || filter.isEmpty()) {
            return "the topic filter is empty";
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return "topic filter '" + filter + "': '#' must be a whole level and the last one";
            }
            if (level.contains("+") && !level.equals("+")) {
                return "topic filter '" + filter + "': '+' must be a whole level";
            }
            if (level.indexOf(0) >= 0) {
                return "topic filter contains a NUL character";
            }
        }
        return null;
    }

    /** A shared subscription {@code $share/GROUP/FILTER}, or null for an ordinary filter. */
    record Shared(String group, String filter) { }

    static Shared shared(String filter) {
        if (!filter.startsWith("$share/")) {
            return null;
        }
        int slash = filter.indexOf('/', 7);
        if (slash < 0) {
            return new Shared(filter.substring(7), "");
        }
        return new Shared(filter.substring(7, slash), filter.substring(slash + 1));
    }
}
