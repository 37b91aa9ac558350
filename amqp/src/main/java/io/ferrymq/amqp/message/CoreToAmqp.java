package io.ferrymq.amqp.message;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.message.NativeForm;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Encodes a core message for an AMQP consumer. A message that arrived over AMQP goes out as the bytes its
 * producer sent, with only the header's delivery-count changed on redelivery. A message from another
 * protocol becomes a proper AMQP message: a data section for bytes, an amqp-value string for text (a
 * {@code text/*} body valid in its charset, UTF-8 unless it names another: a JMS TextMessage),
 * application properties from its properties, and the properties section from its fields, annotated for
 * JMS clients with its message type and destination type.
 */
public final class CoreToAmqp {

    private CoreToAmqp() {
    }

    /**
     * @param deliveryCount the header's delivery-count: earlier failed attempts (0 on a first delivery)
     */
    public static byte[] encode(Message m, int deliveryCount, long now) {
        NativeForm nf = m.nativeForm();
        if (nf != null && AmqpToCore.FORMAT.equals(nf.format()) && nf.value() instanceof byte[] original) {
            return withDeliveryCount(original, deliveryCount);
        }
        return build(m, deliveryCount, now);
    }

    /** The original encoding with the header's delivery-count set; the same array when nothing changes. */
    static byte[] withDeliveryCount(byte[] original, int deliveryCount) {
        AmqpCodec codec = AmqpCodec.get();
        ByteBuffer in = ByteBuffer.wrap(original);
        Header header = null;
        if (original.length > 0) {
            Object first = codec.decode(in);
            if (first instanceof Header h) {
                header = h;
            }
        }
        int rest = header == null ? 0 : in.position();
        long current = header == null || header.getDeliveryCount() == null ? 0 : header.getDeliveryCount().longValue();
        if (current == deliveryCount) {
            return original;
        }
        if (header == null) {
            header = new Header();
        }
        header.setDeliveryCount(UnsignedInteger.valueOf(deliveryCount));
        GrowableBuffer out = new GrowableBuffer(original.length - rest + 64);
        codec.encodeInto(out, header);
        out.put(original, rest, original.length - rest);
        return out.toByteArray();
    }

    static byte[] build(Message m, int deliveryCount, long now) {
        Header h = new Header();
        h.setDurable(m.durable());
        h.setPriority(UnsignedByte.valueOf((byte) m.priority()));
        if (m.expiration() > 0) {
            h.setTtl(UnsignedInteger.valueOf(Math.max(1, Math.min(0xFFFFFFFFL, m.expiration() - now))));
        }
        if (deliveryCount > 0) {
            h.setDeliveryCount(UnsignedInteger.valueOf(deliveryCount));
        }
        Map<Symbol, Object> annotations = new LinkedHashMap<>();
        Properties p = new Properties();
        p.setMessageId(m.messageId());
        p.setCorrelationId(m.correlationId());
        p.setReplyTo(m.replyTo());
        p.setSubject(m.subject());
        p.setGroupId(m.groupId());
        if (m.userId() != null) {
            p.setUserId(new Binary(m.userId().getBytes(StandardCharsets.UTF_8)));
        }
        p.setContentEncoding(AmqpValues.symbol(m.contentEncoding()));
        if (m.timestamp() > 0) {
            p.setCreationTime(new Date(m.timestamp()));
        }
        if (m.expiration() > 0) {
            p.setAbsoluteExpiryTime(new Date(m.expiration()));
        }
        destination(m, p, annotations);
        if (m.replyTo() != null) {
            annotations.put(JmsMapping.JMS_REPLY_TO, isTopicAddress(m.replyTo()) ? JmsMapping.TOPIC : JmsMapping.QUEUE);
        }
        Map<String, Object> props = new LinkedHashMap<>();
        m.properties().forEach((k, v) -> props.put(k, AmqpValues.toAmqp(v)));
        ApplicationProperties ap = props.isEmpty() ? null : new ApplicationProperties(props);

        AmqpCodec codec = AmqpCodec.get();
        GrowableBuffer out = new GrowableBuffer(m.body().length + 256);
        String type = m.contentType();
        if (AmqpToCore.AMQP_BODY_CONTENT_TYPE.equals(type)) {
            annotations.put(JmsMapping.JMS_MSG_TYPE, typeOfEncodedBody(m.body()));
            codec.encodeInto(out, h, new MessageAnnotations(annotations), p, ap);
            out.put(m.body(), 0, m.body().length);
            return out.toByteArray();
        }
        p.setContentType(AmqpValues.symbol(type));
        Object body;
        String text = isText(type) ? decodeText(m.body(), charset(type)) : null;
        if (text != null) {
            annotations.put(JmsMapping.JMS_MSG_TYPE, JmsMapping.TEXT);
            body = new AmqpValue(text);
        } else {
            annotations.put(JmsMapping.JMS_MSG_TYPE,
                    JmsMapping.SERIALIZED_OBJECT.equals(type) ? JmsMapping.OBJECT : JmsMapping.BYTES);
            body = new Data(new Binary(m.body()));
        }
        codec.encodeInto(out, h, new MessageAnnotations(annotations), p, ap, body);
        return out.toByteArray();
    }

    /** {@code to} and {@code x-opt-jms-dest} from where the message was published. */
    private static void destination(Message m, Properties p, Map<Symbol, Object> annotations) {
        String exchange = m.address();
        if (exchange == null || exchange.equals(Route.DEFAULT_EXCHANGE)) {
            if (m.routingKey() != null && !m.routingKey().isEmpty()) {
                p.setTo(m.routingKey());
            }
            annotations.put(JmsMapping.JMS_DEST, JmsMapping.QUEUE);
        } else if (exchange.equals(Route.TOPIC_EXCHANGE)) {
            p.setTo(m.routingKey());
            annotations.put(JmsMapping.JMS_DEST, JmsMapping.TOPIC);
        } else {
            p.setTo("/exchange/" + exchange + (m.routingKey().isEmpty() ? "" : "/" + m.routingKey()));
            annotations.put(JmsMapping.JMS_DEST, JmsMapping.TOPIC);
        }
    }

    private static boolean isTopicAddress(String address) {
        return address.startsWith("/topic/") || address.startsWith("topic://") || address.startsWith("/exchange/");
    }

    static boolean isText(String contentType) {
        return contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith("text/");
    }

    /**
     * The body as text, or null when it is not valid in its charset: such a body goes out as bytes (a data
     * section), unchanged, rather than as a string with its bad bytes replaced.
     */
    private static String decodeText(byte[] body, Charset charset) {
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static Charset charset(String contentType) {
        for (String part : contentType.split(";")) {
            String t = part.trim();
            if (t.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                try {
                    return Charset.forName(t.substring(8).trim().replace("\"", ""));
                } catch (RuntimeException e) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** The JMS message type of AMQP-encoded body sections, as Qpid JMS would infer it. */
    private static byte typeOfEncodedBody(byte[] body) {
        if (body.length == 0) {
            return JmsMapping.MESSAGE;
        }
        Object first;
        try {
            first = AmqpCodec.get().decode(ByteBuffer.wrap(body));
        } catch (RuntimeException e) {
            return JmsMapping.MESSAGE;
        }
        if (first instanceof AmqpSequence) {
            return JmsMapping.STREAM;
        }
        if (first instanceof AmqpValue v) {
            if (v.getValue() instanceof Map) {
                return JmsMapping.MAP;
            }
            if (v.getValue() instanceof List) {
                return JmsMapping.STREAM;
            }
            if (v.getValue() == null) {
                return JmsMapping.MESSAGE;
            }
            return JmsMapping.OBJECT;
        }
        return JmsMapping.MESSAGE;
    }
}
