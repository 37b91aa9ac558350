package io.ferrymq.amqp.message;

import io.ferrymq.core.message.Message;
import io.ferrymq.core.message.NativeForm;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Section;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;

/**
 * Turns an encoded AMQP message into a core message. The header, properties and application properties
 * map to the core's fields; the body becomes the payload other protocols see (the bytes of data sections,
 * the UTF-8 of an amqp-value string); the original encoding rides along as the native form, so AMQP
 * consumers get exactly what was sent.
 */
public final class AmqpToCore {

    /** The native form's format name. */
    public static final String FORMAT = "amqp-1.0";
    /**
     * Content type of a core body that holds AMQP-encoded body sections (maps, lists, other typed values,
     * or no body at all), which only an AMQP consumer can make sense of.
     */
    public static final String AMQP_BODY_CONTENT_TYPE = "application/x-amqp-1.0-body";
    static final String TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";

    private AmqpToCore() {
    }

    /**
     * A message received from a client, with where it asked to be sent (for anonymous relay links).
     *
     * @param to       the properties' {@code to}; null when absent
     * @param toIsTopic whether {@code x-opt-jms-dest} says {@code to} names a topic
     */
    public record Inbound(Message message, String to, boolean toIsTopic, String userIdClaimed) {
    }

    /**
     * @param publisher the authenticated user, recorded as the core message's user id
     * @throws AmqpDecodeException when the bytes are not an AMQP message
     */
    public static Inbound convert(byte[] encoded, long now, String publisher) {
        AmqpSections s = AmqpSections.decode(encoded);
        Message.Builder b = Message.builder().nativeForm(new NativeForm(FORMAT, encoded)).timestamp(now)
                .userId(publisher);
        Header h = s.header;
        long ttl = 0;
        if (h != null) {
            b.durable(Boolean.TRUE.equals(h.getDurable()));
            if (h.getPriority() != null) {
                b.priority(Math.min(Message.MAX_PRIORITY, h.getPriority().intValue()));
            }
            if (h.getTtl() != null) {
                ttl = h.getTtl().longValue();
            }
        }
        if (ttl > 0) {
            b.expiration(now + ttl);
        }
        String to = null;
        String userId = null;
        Properties p = s.properties;
        if (p != null) {
            b.messageId(AmqpValues.idToText(p.getMessageId()))
                    .correlationId(AmqpValues.idToText(p.getCorrelationId()))
                    .replyTo(p.getReplyTo())
                    .subject(p.getSubject())
                    .contentType(AmqpValues.symbolText(p.getContentType()))
                    .contentEncoding(AmqpValues.symbolText(p.getContentEncoding()))
                    .groupId(p.getGroupId());
            to = p.getTo();
            userId = AmqpValues.binaryToText(p.getUserId());
            if (p.getAbsoluteExpiryTime() != null && p.getAbsoluteExpiryTime().getTime() > 0) {
                b.expiration(p.getAbsoluteExpiryTime().getTime());
            }
            if (p.getCreationTime() != null && p.getCreationTime().getTime() > 0) {
                b.timestamp(p.getCreationTime().getTime());
            }
        }
        boolean toIsTopic = false;
        if (s.messageAnnotations != null && s.messageAnnotations.getValue() != null) {
            Map<Symbol, Object> ma = s.messageAnnotations.getValue();
            toIsTopic = JmsMapping.isTopic(ma.get(JmsMapping.JMS_DEST));
            Object at = ma.get(JmsMapping.DELIVERY_TIME);
            Object delay = ma.get(JmsMapping.DELIVERY_DELAY);
            if (at instanceof Date d) {
                b.deliveryTime(d.getTime());
            } else if (at instanceof Number n) {
                b.deliveryTime(n.longValue());
            } else if (delay instanceof Number n && n.longValue() > 0) {
                b.deliveryTime(now + n.longValue());
            }
        }
        if (s.applicationProperties != null && s.applicationProperties.getValue() != null) {
            for (Map.Entry<String, Object> e : s.applicationProperties.getValue().entrySet()) {
                Object key = e.getKey();
                if (!(key instanceof String name)) {
                    throw new AmqpDecodeException("application-properties keys must be strings, found " + key);
                }
                Object v = AmqpValues.toCore(e.getValue());
                if (v == AmqpValues.UNSUPPORTED) {
                    throw new AmqpDecodeException("application property '" + name + "' is "
                            + HumanText.typeOf(e.getValue()) + "; application properties hold simple values");
                }
                b.property(name, v);
            }
        }
        body(s, encoded, b, p == null ? null : p.getContentType());
        return new Inbound(b.build(), to, toIsTopic, userId);
    }

    private static void body(AmqpSections s, byte[] encoded, Message.Builder b, Symbol contentType) {
        Section first = s.body.isEmpty() ? null : s.body.get(0);
        if (first instanceof Data) {
            b.body(dataBytes(s));
        } else if (first instanceof AmqpValue v && v.getValue() instanceof String text) {
            b.body(text.getBytes(StandardCharsets.UTF_8));
            if (contentType == null) {
                b.contentType(TEXT_CONTENT_TYPE);
            }
        } else if (first instanceof AmqpValue v && v.getValue() instanceof Binary bin) {
            b.body(Arrays.copyOfRange(bin.getArray(), bin.getArrayOffset(), bin.getArrayOffset() + bin.getLength()));
        } else {
            // Maps, lists, sequences, other typed values or no body: kept as their AMQP encoding.
            b.body(Arrays.copyOfRange(encoded, s.bodyStart, s.bodyEnd)).contentType(AMQP_BODY_CONTENT_TYPE);
        }
    }

    private static byte[] dataBytes(AmqpSections s) {
        if (s.body.size() == 1) {
            Binary bin = ((Data) s.body.get(0)).getValue();
            return bin == null ? new byte[0]
                    : Arrays.copyOfRange(bin.getArray(), bin.getArrayOffset(), bin.getArrayOffset() + bin.getLength());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Section d : s.body) {
            Binary bin = ((Data) d).getValue();
            if (bin != null) {
                out.write(bin.getArray(), bin.getArrayOffset(), bin.getLength());
            }
        }
        return out.toByteArray();
    }
}
