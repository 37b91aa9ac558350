package io.ferrymq.stomp;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.message.PropertyValues;
import io.ferrymq.stomp.codec.FrameWriter;
import io.ferrymq.stomp.codec.StompFrame;
import io.ferrymq.stomp.codec.StompVersion;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Maps SEND frames to core messages and messages to the headers of MESSAGE frames. Well-known headers
 * (ActiveMQ's and RabbitMQ's spellings) become message fields; every other header becomes a string property, and
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

    private static final byte[] PERSISTENT_TRUE = "persistent:true\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PERSISTENT_FALSE = "persistent:false\n".getBytes(StandardCharsets.US_ASCII);

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
        int n = f.headerCount();
        // A set only for frames with many headers; a SEND usually has a handful, and a scan of the earlier ones
        // costs less than the set's allocation.
        Set<String> seen = n > 16 ? new java.util.HashSet<>() : null;
        for (int i = 0; i < n; i++) {
            String name = f.headerName(i);
            // STOMP 1.2: of repeated headers only the first counts.
            if (!RESERVED.contains(name) && (seen != null ? seen.add(name) : firstOccurrence(f, i))) {
                b.property(name, f.headerValue(i));
            }
        }
        return b.build();
    }

    private static boolean firstOccurrence(StompFrame f, int index) {
        String name = f.headerName(index);
        for (int j = 0; j < index; j++) {
            if (f.headerName(j).equals(name)) {
                return false;
            }
        }
        return true;
    }

    private static long number(String what, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw BrokerException.invalid(what + " must be a whole number, was '" + text + "'");
        }
    }

    /**
     * The message's own MESSAGE headers (all but the delivery's: subscription, message-id, ack, redelivered),
     * the blank line, the body and the NUL: the part of the frame that is the same for every subscriber in one
     * version. A header the version cannot carry is left out (see {@link #carries}).
     */
    static void writeMessagePart(ByteBuf out, Message m, StompVersion version, FrameWriter w, byte[] destinationLine) {
        out.writeBytes(destinationLine);
        optional(out, w, "content-type", fieldOrProperty(m.contentType(), m, "content-type"), version);
        optional(out, w, "content-encoding", fieldOrProperty(m.contentEncoding(), m, "content-encoding"), version);
        out.writeBytes(m.durable() ? PERSISTENT_TRUE : PERSISTENT_FALSE);
        w.header(out, "priority", m.priority());
        if (m.expiration() > 0) {
            w.header(out, "expires", m.expiration());
        }
        if (m.timestamp() > 0) {
            w.header(out, "timestamp", m.timestamp());
        }
        optional(out, w, "correlation-id", fieldOrProperty(m.correlationId(), m, "correlation-id"), version);
        optional(out, w, "reply-to", fieldOrProperty(m.replyTo(), m, "reply-to"), version);
        optional(out, w, "type", fieldOrProperty(m.subject(), m, "type"), version);
        optional(out, w, "JMSXGroupID", m.groupId(), version);
        optional(out, w, "user-id", m.userId(), version);
        // forEach, not the entry set: the unmodifiable map's iterator wraps every entry in a new object.
        m.properties().forEach((name, value) -> {
            if (!RESERVED.contains(name)) {
                optional(out, w, name, PropertyValues.asText(value), version);
            }
        });
        byte[] body = m.body();
        if (body.length > 0) {
            w.header(out, "content-length", body.length);
        }
        FrameWriter.endHeaders(out);
        out.writeBytes(body);
        out.writeByte(0);
    }

    /** A generous guess at the size of {@link #writeMessagePart}'s output, so that the buffer rarely grows. */
    static int estimatedMessagePart(Message m) {
        return 192 + 64 * m.properties().size() + m.body().length;
    }

    private static String fieldOrProperty(String field, Message m, String header) {
        if (field != null || !FILLED_FROM_PROPERTIES.contains(header)) {
            return field;
        }
        Object p = m.property(header);
        return p == null ? null : PropertyValues.asText(p);
    }

    /** Writes a header unless it is absent or this version cannot carry it (see {@link #carries}). */
    private static void optional(ByteBuf out, FrameWriter w, String name, String value, StompVersion version) {
        if (value != null && carries(name, value, version)) {
            w.header(out, name, value);
        }
    }

    /**
     * Whether this version can carry the header: STOMP 1.0 has no escaping (no ':' in names, no line breaks
     * anywhere), 1.1 cannot escape a carriage return, and none can carry a NUL or an empty name.
     */
    private static boolean carries(String name, String value, StompVersion version) {
        if (name.isEmpty()) {
            return false;
        }
        if (version == StompVersion.V1_0
                && (name.indexOf(':') >= 0 || hasLineBreak(name) || hasLineBreak(value))) {
            return false;
        }
        if (version == StompVersion.V1_1 && (name.indexOf('\r') >= 0 || value.indexOf('\r') >= 0)) {
            return false;
        }
        return name.indexOf('\0') < 0 && value.indexOf('\0') < 0;
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    }
}
