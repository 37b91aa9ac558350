package io.ferrymq.amqp091;

import io.ferrymq.amqp091.codec.BasicProperties;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.message.PropertyValues;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Content header properties to and from the core message. {@code type} is the message's subject and
 * {@code app-id} an application property of that name, so other protocols see both; headers become the
 * application properties (nested tables, arrays and decimals as their text, timestamps as epoch
 * milliseconds: the core keeps only simple values). {@code expiration} is relative on the wire and
 * absolute in the core.
 */
final class Amqp091Messages {

    static final String APP_ID = "app-id";

    private Amqp091Messages() {
    }

    static Message toMessage(BasicProperties p, byte[] body, long nowMillis) {
        Message.Builder b = Message.builder().body(body);
        if (p.contentType() != null) {
            b.contentType(p.contentType());
        }
        if (p.contentEncoding() != null) {
            b.contentEncoding(p.contentEncoding());
        }
        if (p.headers() != null) {
            p.headers().forEach((k, v) -> b.property(k, simple(v)));
        }
        b.durable(p.deliveryMode() != null && p.deliveryMode() == 2);
        if (p.priority() != null) {
            b.priority(Math.min(p.priority(), Message.MAX_PRIORITY));
        }
        b.correlationId(p.correlationId()).replyTo(p.replyTo()).messageId(p.messageId()).userId(p.userId())
                .subject(p.type());
        if (p.expiration() != null) {
            long ttl;
            try {
                ttl = Long.parseLong(p.expiration().trim());
            } catch (NumberFormatException e) {
                ttl = -1;
            }
            if (ttl < 0) {
                throw BrokerException.preconditionFailed("invalid expiration '" + p.expiration()
                        + "': it must be a non-negative whole number of milliseconds");
            }
            // 0 means "now or never": the message expires unless a consumer takes it at once.
            b.expiration(nowMillis + Math.max(ttl, 1));
        }
        if (p.timestamp() != null) {
            b.timestamp(p.timestamp() * 1000);
        }
        if (p.appId() != null) {
            b.property(APP_ID, p.appId());
        }
        return b.build();
    }

    private static Object simple(Object v) {
        if (v instanceof Date d) {
            return d.getTime();
        }
        if (v instanceof Map<?, ?> || v instanceof List<?> || !PropertyValues.isValid(v)) {
            return String.valueOf(v);
        }
        return v;
    }

    static BasicProperties toProperties(Message m, long nowMillis) {
        Map<String, Object> headers = null;
        String appId = null;
        if (!m.properties().isEmpty()) {
            headers = new LinkedHashMap<>(m.properties());
            if (headers.get(APP_ID) instanceof String s) {
                appId = s;
                headers.remove(APP_ID);
            }
            if (headers.isEmpty()) {
                headers = null;
            }
        }
        String expiration = null;
        if (m.expiration() > 0) {
            expiration = Long.toString(Math.max(0, m.expiration() - nowMillis));
        }
        return new BasicProperties(m.contentType(), m.contentEncoding(), headers, m.durable() ? 2 : 1,
                m.priority() == Message.DEFAULT_PRIORITY ? null : m.priority(), m.correlationId(), m.replyTo(),
                expiration, m.messageId(), m.timestamp() > 0 ? m.timestamp() / 1000 : null, m.subject(), m.userId(),
                appId, null);
    }
}
