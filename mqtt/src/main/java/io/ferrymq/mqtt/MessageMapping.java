package io.ferrymq.mqtt;

import io.ferrymq.core.message.Message;
import io.netty.handler.codec.mqtt.MqttProperties;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * MQTT publishes as core messages and back. QoS 1 and 2 become durable messages (QoS 0 does not survive
 * a restart, as in RabbitMQ); MQTT 5 user properties become message properties, so other protocols see
 * them as headers, and their headers come back to MQTT 5 clients as user properties. What only MQTT
 * needs travels in {@code x-mqtt-} properties, which are not echoed as user properties.
 */
final class MessageMapping {

    static final String QOS = "x-mqtt-qos";
    static final String RETAIN = "x-mqtt-retain";
    static final String TOPIC = "x-mqtt-topic";
    static final String RETAINED_COPY = "x-mqtt-retained-copy";
    static final String CORRELATION_DATA = "x-mqtt-correlation-data";
    static final String PAYLOAD_FORMAT = "x-mqtt-payload-format";
    /** Marks a content type the broker implied from the payload format indicator, not one the publisher sent. */
    static final String IMPLIED_CONTENT_TYPE = "x-mqtt-implied-content-type";
    /** What an MQTT 5 payload marked as UTF-8 text is to other protocols (a STOMP or JMS text message). */
    static final String TEXT = "text/plain; charset=utf-8";
    private static final int UTF8_PAYLOAD = 1;
    private static final String PREFIX = "x-mqtt-";

    private MessageMapping() {
    }

    /** A publish (or a will) as a core message on the topic exchange. */
    static Message fromPublish(String topic, byte[] payload, int qos, boolean retain, MqttProperties props, long now,
                               String userId) {
        return fromKeyedPublish(TopicMapping.toKey(topic), payload, qos, retain, props, now, userId);
    }

    /** As {@link #fromPublish(String, byte[], int, boolean, MqttProperties, long, String)}, given the topic's key. */
    static Message fromKeyedPublish(String key, byte[] payload, int qos, boolean retain, MqttProperties props,
                                    long now, String userId) {
        Message.Builder b = Message.builder()
                .durable(qos > 0)
                .timestamp(now)
                .userId(userId)
                .routingKey(key)
                .body(payload)
                .property(QOS, qos);
        if (retain) {
            b.property(RETAIN, true);
        }
        if (props != null) {
            Integer expiry = intProperty(props, MqttProperties.PUBLICATION_EXPIRY_INTERVAL);
            if (expiry != null) {
                b.expiration(now + expiry * 1000L);
            }
            String contentType = stringProperty(props, MqttProperties.CONTENT_TYPE);
            if (contentType != null) {
                b.contentType(contentType);
            }
            String responseTopic = stringProperty(props, MqttProperties.RESPONSE_TOPIC);
            if (responseTopic != null) {
                b.replyTo(TopicMapping.toReplyTo(responseTopic));
            }
            MqttProperties.MqttProperty<?> correlation = props.getProperty(MqttProperties.CORRELATION_DATA);
            if (correlation != null) {
                byte[] data = (byte[]) correlation.value();
                b.property(CORRELATION_DATA, data);
                String text = utf8(data);
                if (text != null) {
                    b.correlationId(text);
                }
            }
            Integer format = intProperty(props, MqttProperties.PAYLOAD_FORMAT_INDICATOR);
            if (format != null) {
                b.property(PAYLOAD_FORMAT, format);
                if (format == UTF8_PAYLOAD && contentType == null) {
                    // Other protocols know text by its content type; MQTT subscribers get the publish unaltered.
                    b.contentType(TEXT).property(IMPLIED_CONTENT_TYPE, true);
                }
            }
            for (MqttProperties.MqttProperty<?> p : props.getProperties(MqttProperties.USER_PROPERTY)) {
                if (p instanceof MqttProperties.UserProperty up) {
                    b.property(up.value().key, up.value().value);
                } else if (p instanceof MqttProperties.UserProperties ups) {
                    for (MqttProperties.StringPair pair : ups.value()) {
                        b.property(pair.key, pair.value);
                    }
                }
            }
        }
        return b.build();
    }

    /** The QoS a message was published with: MQTT's own, else 1 for durable messages from other protocols. */
    static int publishedQos(Message m) {
        Object q = m.property(QOS);
        if (q instanceof Number n) {
            return Math.max(0, Math.min(2, n.intValue()));
        }
        return m.durable() ? 1 : 0;
    }

    /** The MQTT topic a message is delivered under. */
    static String topicOf(Message m) {
        Object t = m.property(TOPIC);
        if (t instanceof String s) {
            return s;
        }
        return TopicMapping.toTopic(m.routingKey());
    }

    /** MQTT 5 properties of an outgoing publish. */
    static MqttProperties properties(Message m, long now, Iterable<Integer> subscriptionIds) {
        MqttProperties props = new MqttProperties();
        if (m.expiration() > 0) {
            long remaining = Math.max(1, (m.expiration() - now + 999) / 1000);
            props.add(new MqttProperties.IntegerProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL,
                    (int) Math.min(Integer.MAX_VALUE, remaining)));
        }
        if (m.contentType() != null && m.property(IMPLIED_CONTENT_TYPE) == null) {
            props.add(new MqttProperties.StringProperty(MqttProperties.CONTENT_TYPE, m.contentType()));
        }
        if (m.replyTo() != null) {
            props.add(new MqttProperties.StringProperty(MqttProperties.RESPONSE_TOPIC,
                    TopicMapping.fromReplyTo(m.replyTo())));
        }
        Object correlation = m.property(CORRELATION_DATA);
        if (correlation instanceof byte[] data) {
            props.add(new MqttProperties.BinaryProperty(MqttProperties.CORRELATION_DATA, data));
        } else if (m.correlationId() != null) {
            props.add(new MqttProperties.BinaryProperty(MqttProperties.CORRELATION_DATA,
                    m.correlationId().getBytes(StandardCharsets.UTF_8)));
        }
        Object format = m.property(PAYLOAD_FORMAT);
        if (format instanceof Number n) {
            props.add(new MqttProperties.IntegerProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR, n.intValue()));
        } else if (utf8Text(m)) {
            props.add(new MqttProperties.IntegerProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR, UTF8_PAYLOAD));
        }
        for (Map.Entry<String, Object> p : m.properties().entrySet()) {
            if (!p.getKey().startsWith(PREFIX) && p.getValue() != null && !(p.getValue() instanceof byte[])) {
                props.add(new MqttProperties.UserProperty(p.getKey(), p.getValue().toString()));
            }
        }
        for (int id : subscriptionIds) {
            props.add(new MqttProperties.IntegerProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER, id));
        }
        return props;
    }

    /**
     * Whether a message from another protocol is UTF-8 text: a {@code text/*} content type whose charset (if
     * named) is UTF-8, and a body that really is UTF-8, since MQTT 5 receivers may reject a payload that the
     * indicator mislabels.
     */
    static boolean utf8Text(Message m) {
        String type = m.contentType();
        if (type == null || !type.regionMatches(true, 0, "text/", 0, 5)) {
            return false;
        }
        int charset = type.toLowerCase(java.util.Locale.ROOT).indexOf("charset=");
        if (charset >= 0) {
            String name = type.substring(charset + 8).replace("\"", "").split(";", 2)[0].trim();
            if (!name.equalsIgnoreCase("utf-8") && !name.equalsIgnoreCase("utf8")) {
                return false;
            }
        }
        return utf8(m.body()) != null;
    }

    static Integer intProperty(MqttProperties props, int id) {
        MqttProperties.MqttProperty<?> p = props.getProperty(id);
        return p == null ? null : (Integer) p.value();
    }

    static String stringProperty(MqttProperties props, int id) {
        MqttProperties.MqttProperty<?> p = props.getProperty(id);
        return p == null ? null : (String) p.value();
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
