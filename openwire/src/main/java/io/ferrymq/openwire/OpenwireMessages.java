package io.ferrymq.openwire;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.message.NativeForm;
import io.ferrymq.core.message.PropertyValues;
import jakarta.jms.JMSException;
import org.apache.activemq.command.ActiveMQBytesMessage;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQMapMessage;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.ActiveMQObjectMessage;
import org.apache.activemq.command.ActiveMQStreamMessage;
import org.apache.activemq.command.ActiveMQTextMessage;
import org.apache.activemq.command.MessageId;
import org.apache.activemq.command.ProducerId;
import org.apache.activemq.util.ByteSequence;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * JMS messages to core messages and back. Text is UTF-8 with {@code text/plain; charset=utf-8} and bytes are
 * the body as they are, so every protocol reads them naturally; map, object and stream bodies keep OpenWire's
 * own encoding under a content type naming it, so they come back whole to OpenWire clients.
 */
final class OpenwireMessages {

    static final String TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";
    static final String MAP_CONTENT_TYPE = "application/x-openwire-map";
    static final String OBJECT_CONTENT_TYPE = "application/x-openwire-object";
    static final String STREAM_CONTENT_TYPE = "application/x-openwire-stream";
    /** A JMS Message with no body at all. */
    static final String EMPTY_CONTENT_TYPE = "application/x-openwire-message";
    /** ActiveMQ compresses bodies with zlib when the connection asks for it. */
    static final String DEFLATE = "deflate";
    static final String SCHEDULED_DELAY = "AMQ_SCHEDULED_DELAY";
    static final String GROUP_SEQUENCE = "JMSXGroupSeq";

    /** The {@link NativeForm} format of what a message keeps of the OpenWire command it came in. */
    static final String NATIVE_FORMAT = "openwire";

    /** The producer of ids for messages that came from other protocols: their core id is the sequence. */
    private static final ProducerId BROKER_PRODUCER = new ProducerId("ID:ferrymq-broker-1:1:1");

    private OpenwireMessages() {
    }

    /**
     * What a core message keeps of the OpenWire message it was made from: the message as it was unmarshalled, its
     * marshalled properties and content untouched, so that an OpenWire consumer gets a copy of it with only the
     * per-delivery fields patched (as ActiveMQ dispatches the message object it received) rather than a message
     * rebuilt from the core fields, its MessageId parsed from text and its properties marshalled again. The
     * template is never changed once made (deliveries on several event loops copy it at once). Held only in
     * memory (a message read back from the journal, or changed on the way, has none) and only while the core
     * properties are exactly the received ones. {@code frame}, when there is one, is the message's received frame,
     * which a consumer on a connection of the same encoding gets as it is; the template is then made from the
     * frame only when a consumer that cannot take the frame needs it, since most never do.
     */
    static final class Received {

        private final ReceivedFrame frame;
        private final String user;
        private final long brokerInTime;
        /** Made at most a few times (two event loops may race to make it); any of them serves. */
        private volatile ActiveMQMessage template;

        private Received(ActiveMQMessage template) {
            this.template = template;
            this.frame = null;
            this.user = null;
            this.brokerInTime = 0;
        }

        private Received(ReceivedFrame frame, String user, long brokerInTime) {
            this.frame = frame;
            this.user = user;
            this.brokerInTime = brokerInTime;
        }

        ReceivedFrame frame() {
            return frame;
        }

        ActiveMQMessage template() throws IOException {
            ActiveMQMessage t = template;
            if (t == null) {
                t = unsent((ActiveMQMessage) frame.unmarshal(), user, brokerInTime);
                template = t;
            }
            return t;
        }
    }
    /** The received frame a core message keeps, if any. */
    static ReceivedFrame frameOf(Message m) {
        return m.nativeForm() != null && m.nativeForm().value() instanceof Received r ? r.frame : null;
    }

    /**
     * The template of a received message: a copy taken before the conversion reads its properties and body (a
     * text message drops its content once its text is read; read properties would be copied with every
     * delivery), with what belongs to the send rather than to the message cleared.
     */
    private static ActiveMQMessage template(ActiveMQMessage m, String user, long now) {
        ActiveMQMessage t = (ActiveMQMessage) m.copy();
        ByteSequence marshalledProperties = m.getMarshalledProperties();
        if (marshalledProperties != null) {
            // Only the marshalled form: what every delivery marshals as it is.
            t.clearProperties();
            t.setMarshalledProperties(marshalledProperties);
        }
        return unsent(t, user, now);
    }

    /** {@code t} (a message of the broker's own) with what belongs to the send rather than to the message cleared. */
    private static ActiveMQMessage unsent(ActiveMQMessage t, String user, long now) {
        t.setTransactionId(null);
        t.setResponseRequired(false);
        t.setCommandId(0);
        t.setUserID(user);
        t.setBrokerInTime(now);
        return t;
    }

    static Message toCore(ActiveMQMessage m, String user, long now, TempDestinations temps) {
        return toCore(m, null, user, now, temps);
    }

    /** {@code frame}: the frame {@code m} came in, kept beside the template (null for none). */
    static Message toCore(ActiveMQMessage m, ReceivedFrame frame, String user, long now, TempDestinations temps) {
        // With a frame, the template is made from it when first needed: nothing here may change m before then.
        ActiveMQMessage template = m.getMessageId() == null || frame != null ? null : template(m, user, now);
        Message.Builder b = Message.builder()
                .durable(m.isPersistent())
                .priority(Math.max(0, Math.min(Message.MAX_PRIORITY, m.getPriority())))
                .timestamp(m.getTimestamp())
                .expiration(m.getExpiration())
                .messageId(m.getMessageId() == null ? null : m.getMessageId().toString())
                .correlationId(m.getCorrelationId())
                .replyTo(OpenwireDestinations.toReplyTo(m.getReplyTo(), temps))
                .subject(m.getType())
                .groupId(m.getGroupID())
                .userId(user);
        try {
            boolean propertiesAsReceived = true;
            Iterable<Map.Entry<String, Object>> properties = MarshalledProperties.read(m.getMarshalledProperties());
            for (Map.Entry<String, Object> e : properties != null ? properties : m.getProperties().entrySet()) {
                Object v = e.getValue();
                if (e.getKey().equals(SCHEDULED_DELAY) && v instanceof Number delay) {
                    if (delay.longValue() > 0) {
                        b.deliveryTime(now + delay.longValue());
                    }
                    propertiesAsReceived = false;
                    continue;
                }
                if (v instanceof Map || v instanceof java.util.List) {
                    throw BrokerException.invalid("property '" + e.getKey() + "' holds a " + (v instanceof Map
                            ? "map" : "list") + ", which JMS does not allow in properties and other protocols"
                            + " cannot carry");
                }
                if (!PropertyValues.isValid(v)) {
                    // OpenWire reads string properties as lazily decoded UTF-8 buffers.
                    v = v.toString();
                }
                b.property(e.getKey(), v);
            }
            if (m.getGroupSequence() > 0) {
                b.property(GROUP_SEQUENCE, m.getGroupSequence());
            }
            body(m, b);
            if (propertiesAsReceived && frame != null) {
                b.nativeForm(new NativeForm(NATIVE_FORMAT, new Received(frame, user, now), frame.bytes().length));
            } else if (propertiesAsReceived && template != null) {
                b.nativeForm(new NativeForm(NATIVE_FORMAT, new Received(template), 0));
            }
        } catch (IOException | JMSException e) {
            throw BrokerException.invalid("the message could not be read: " + e.getMessage());
        }
        return b.build();
    }

    private static void body(ActiveMQMessage m, Message.Builder b) throws JMSException {
        if (m instanceof ActiveMQTextMessage t) {
            String text = t.getText();
            b.body(text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8)).contentType(TEXT_CONTENT_TYPE);
        } else if (m instanceof ActiveMQBytesMessage bytes && !bytes.isCompressed()) {
            // As received: the unmarshalled content is an array of its own, taken as it is.
            ByteSequence content = bytes.getContent();
            b.body(content == null ? new byte[0] : content.getOffset() == 0
                    && content.getLength() == content.getData().length ? content.getData() : content.toArray());
        } else if (m instanceof ActiveMQBytesMessage bytes) {
            bytes.setReadOnlyBody(true);
            bytes.reset();
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            b.body(body);
        } else if (m instanceof ActiveMQMapMessage) {
            encoded(m, b, MAP_CONTENT_TYPE);
        } else if (m instanceof ActiveMQObjectMessage) {
            encoded(m, b, OBJECT_CONTENT_TYPE);
        } else if (m instanceof ActiveMQStreamMessage) {
            encoded(m, b, STREAM_CONTENT_TYPE);
        } else {
            b.contentType(EMPTY_CONTENT_TYPE);
        }
    }

    private static void encoded(ActiveMQMessage m, Message.Builder b, String contentType) {
        ByteSequence content = m.getContent();
        b.contentType(contentType).body(content == null ? new byte[0] : content.getData().length == content.getLength()
                && content.getOffset() == 0 ? content.getData() : content.toArray());
        if (m.isCompressed()) {
            b.contentEncoding(DEFLATE);
        }
    }

    /** The JMS message a consumer receives for a core message. */
    static ActiveMQMessage toOpenwire(Message m, TempDestinations temps) throws IOException, JMSException {
        if (m.nativeForm() != null && NATIVE_FORMAT.equals(m.nativeForm().format())
                && m.nativeForm().value() instanceof Received r) {
            return fromTemplate(m, r.template(), temps);
        }
        ActiveMQMessage am = body(m);
        am.setMessageId(messageId(m));
        am.setPersistent(m.durable());
        am.setPriority((byte) m.priority());
        am.setTimestamp(m.timestamp());
        am.setExpiration(m.expiration());
        am.setCorrelationId(m.correlationId());
        am.setType(m.subject());
        am.setReplyTo(OpenwireDestinations.fromReplyTo(m.replyTo(), temps));
        am.setGroupID(m.groupId());
        am.setUserID(m.userId());
        am.setDestination(OpenwireDestinations.published(m.address(), m.routingKey(), temps));
        for (Map.Entry<String, Object> e : m.properties().entrySet()) {
            if (e.getKey().equals(GROUP_SEQUENCE) && e.getValue() instanceof Number n) {
                am.setGroupSequence(n.intValue());
            } else if (e.getValue() != null) {
                am.setProperty(e.getKey(), e.getValue());
            }
        }
        return am;
    }

    /**
     * A copy of the received message (its own MessageId, since the dispatch sets its broker sequence id in it;
     * content and marshalled properties shared, and only ever read). Only the destination of a composite send
     * differs per part, and the priority the core keeps within JMS's range.
     */
    private static ActiveMQMessage fromTemplate(Message m, ActiveMQMessage template, TempDestinations temps) {
        ActiveMQMessage am = (ActiveMQMessage) template.copy();
        ActiveMQDestination sentTo = template.getDestination();
        if (sentTo == null || sentTo.isComposite()) {
            am.setDestination(OpenwireDestinations.published(m.address(), m.routingKey(), temps));
        }
        am.setPriority((byte) m.priority());
        return am;
    }

    private static ActiveMQMessage body(Message m) throws JMSException {
        String type = m.contentType() == null ? "" : m.contentType().trim().toLowerCase(Locale.ROOT);
        ActiveMQMessage am;
        if (type.startsWith(MAP_CONTENT_TYPE)) {
            am = new ActiveMQMapMessage();
        } else if (type.startsWith(OBJECT_CONTENT_TYPE)) {
            am = new ActiveMQObjectMessage();
        } else if (type.startsWith(STREAM_CONTENT_TYPE)) {
            am = new ActiveMQStreamMessage();
        } else if (type.startsWith(EMPTY_CONTENT_TYPE)) {
            return new ActiveMQMessage();
        } else if (type.startsWith("text/")) {
            ActiveMQTextMessage t = new ActiveMQTextMessage();
            t.setText(new String(m.body(), charset(type)));
            return t;
        } else {
            am = new ActiveMQBytesMessage();
        }
        am.setContent(new ByteSequence(m.body()));
        am.setCompressed(DEFLATE.equalsIgnoreCase(m.contentEncoding()));
        return am;
    }

    private static Charset charset(String contentType) {
        for (String part : contentType.split(";")) {
            String p = part.trim();
            if (p.startsWith("charset=")) {
                try {
                    return Charset.forName(p.substring(8).replace("\"", "").trim());
                } catch (RuntimeException e) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    /**
     * The JMSMessageID: an OpenWire producer's own id when the message has one; otherwise one the broker makes
     * from the core id (unique in the broker), showing the producer's id as its text where there is one.
     */
    static MessageId messageId(Message m) {
        String id = m.messageId();
        if (id != null && id.startsWith("ID:")) {
            try {
                return new MessageId(id);
            } catch (RuntimeException notOpenwire) {
                // another protocol's id in the ID: style (Qpid JMS): falls through
            }
        }
        MessageId made = new MessageId(BROKER_PRODUCER, m.id());
        if (id != null) {
            made.setTextView(id);
        }
        return made;
    }
}
