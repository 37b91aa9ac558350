package io.ferrymq.stomp;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.message.PropertyValues;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.stomp.codec.StompFrame;
import io.ferrymq.stomp.codec.StompVersion;

import java.util.Map;
import java.util.Set;

/**
 * Maps SEND frames to core messages and deliveries to MESSAGE frames. Well-known headers (ActiveMQ's and
 * RabbitMQ's spellings) become message fields; every other header becomes a string property, and
 * properties from other protocols come back as headers.
 */
final class StompMessages {

    /** Headers that steer the frame or map to fields, never copied into properties. */
    private static final Set<String> RESERVED = Set.of("destination", "transaction", "receipt", "content-length",
            "content-type", "content-encoding", "persistent", "priority", "expires", "expiration", "reply-to",
            "correlation-id", "message-id", "JMSXGroupID", "type", "AMQ_SCHEDULED_DELAY", "x-delay", "subscription",
            "ack", "redelivered", "timestamp", "user-id");

    /**
     * Headers a property of the same name fills when the message's own field is empty. A property can come
     * from a protocol where these names are ordinary (an SQS message attribute {@code content-type}); it
     * reaches the STOMP client as the header it names instead of disappearing behind the reserved name.
     */
    private static final Set<String> FILLED_FROM_PROPERTIES = Set.of("content-type", "content-encoding",
            "correlation-id", "reply-to", "type");

    private StompMessages() {
    }

    /**
     * @throws BrokerException INVALID_ARGUMENT for a malformed priority, expiry or delay header
     */
    static Message fromSend(StompFrame f, long now, String userId) {
        Message.Builder b = Message.builder()
                .durable("true".equalsIgnoreCase(f.header("persistent")))
                .timestamp(now)
                .userId(userId)
                .body(f.body())
                .contentType(f.header("content-type"))
                .contentEncoding(f.header("content-encoding"))
                .replyTo(f.header("reply-to"))
                .correlationId(f.header("correlation-id"))
                .messageId(f.header("message-id"))
                .subject(f.header("type"))
                .groupId(f.header("JMSXGroupID"));
        String priority = f.header("priority");
        if (priority != null) {
            long p = number("priority", priority);
            if (p < 0 || p > Message.MAX_PRIORITY) {
                throw BrokerException.invalid("priority must be between 0 and 9, was " + priority);
            }
            b.priority((int) p);
        }
        String expires = f.header("expires");
        if (expires != null) {
            b.expiration(number("expires", expires));
        }
        String expiration = f.header("expiration");
        if (expiration != null) {
            long ttl = number("expiration", expiration);
            if (ttl < 0) {
                throw BrokerException.invalid("expiration (a time-to-live in milliseconds) must not be negative");
            }
            b.expiration(now + ttl);
        }
        String delay = f.header("AMQ_SCHEDULED_DELAY") != null ? f.header("AMQ_SCHEDULED_DELAY") : f.header("x-delay");
        if (delay != null) {
            long d = number("scheduled delay", delay);
            if (d < 0) {
                throw BrokerException.invalid("a scheduled delay must not be negative, was " + delay);
            }
            b.deliveryTime(d == 0 ? 0 : now + d);
        }
        Set<String> seen = new java.util.HashSet<>();
        for (Map.Entry<String, String> h : f.headers()) {
            // STOMP 1.2: of repeated headers only the first counts.
            if (!RESERVED.contains(h.getKey()) && seen.add(h.getKey())) {
                b.property(h.getKey(), h.getValue());
            }
        }
        return b.build();
    }

    private static long number(String what, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw BrokerException.invalid(what + " must be a whole number, was '" + text + "'");
        }
    }

    static StompFrame toMessageFrame(Delivery d, String subscriptionId, String ackId, boolean needsAck,
                                     StompVersion version, String destination) {
        Message m = d.message();
        StompFrame.Builder f = StompFrame.builder("MESSAGE")
                .header("destination", destination)
                .header("message-id", ackId)
                .header("subscription", subscriptionId);
        if (needsAck && version == StompVersion.V1_2) {
            f.header("ack", ackId);
        }
        optional(f, "content-type", fieldOrProperty(m.contentType(), m, "content-type"), version);
        optional(f, "content-encoding", fieldOrProperty(m.contentEncoding(), m, "content-encoding"), version);
        f.header("persistent", Boolean.toString(m.durable()));
        f.header("priority", Integer.toString(m.priority()));
        f.header("redelivered", Boolean.toString(d.redelivered()));
        if (m.expiration() > 0) {
            f.header("expires", Long.toString(m.expiration()));
        }
        if (m.timestamp() > 0) {
            f.header("timestamp", Long.toString(m.timestamp()));
        }
        optional(f, "correlation-id", fieldOrProperty(m.correlationId(), m, "correlation-id"), version);
        optional(f, "reply-to", fieldOrProperty(m.replyTo(), m, "reply-to"), version);
        optional(f, "type", fieldOrProperty(m.subject(), m, "type"), version);
        optional(f, "JMSXGroupID", m.groupId(), version);
        optional(f, "user-id", m.userId(), version);
        for (Map.Entry<String, Object> p : m.properties().entrySet()) {
            if (!RESERVED.contains(p.getKey())) {
                optional(f, p.getKey(), PropertyValues.asText(p.getValue()), version);
            }
        }
        return f.body(m.body()).build();
    }

    private static String fieldOrProperty(String field, Message m, String header) {
        if (field != null || !FILLED_FROM_PROPERTIES.contains(header)) {
            return field;
        }
        Object p = m.property(header);
        return p == null ? null : PropertyValues.asText(p);
    }

    /**
     * Adds a header unless this version cannot carry it: STOMP 1.0 has no escaping (no ':' in names, no
     * line breaks anywhere), 1.1 cannot escape a carriage return.
     */
    private static void optional(StompFrame.Builder f, String name, String value, StompVersion version) {
        if (value == null || name.isEmpty()) {
            return;
        }
        if (version == StompVersion.V1_0
                && (name.indexOf(':') >= 0 || hasLineBreak(name) || hasLineBreak(value))) {
            return;
        }
        if (version == StompVersion.V1_1 && (name.indexOf('\r') >= 0 || value.indexOf('\r') >= 0)) {
            return;
        }
        if (name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
            return;
        }
        f.header(name, value);
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    }
}
