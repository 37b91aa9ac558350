package io.ferrymq.core.message;


import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A message as the core sees it, whatever protocol brought it. Immutable: changes produce copies
 * that share the body and property map, so fan-out and dead-lettering never copy payloads.
 *
 * <p>A protocol adapter may attach its original wire encoding as a {@link NativeForm}; an adapter of
 * the same protocol can then forward those bytes instead of re-encoding. Any copy that changes what
 * the message says drops the native form, so it can never go stale.
 */
public final class Message implements Filterable {

    public static final int DEFAULT_PRIORITY = 4;
    public static final int MAX_PRIORITY = 9;

    private static final long FIXED_OVERHEAD_BYTES = 160;

    private final long id;
    private final boolean durable;
    private final int priority;
    private final long timestamp;
    private final long expiration;
    private final long deliveryTime;
    private final String messageId;
    private final String correlationId;
    private final String replyTo;
    private final String contentType;
    private final String contentEncoding;
    private final String userId;
    private final String subject;
    private final String groupId;
    private final String deduplicationId;
    private final String address;
    private final String routingKey;
    private final Map<String, Object> properties;
    private final byte[] body;
    private final NativeForm nativeForm;
    private final long originConnection;
    /** Not part of the message's value: a cache that every copy starts without (see {@link #encodedFor}). */
    private volatile EncodingMemo encodings;
    /**
     * {@link #estimatedSize}, worked out at its first call (0 until then) and handed to the copies that share this
     * message's body and properties: queues ask for it at every enqueue and dequeue, and walking the properties
     * allocates iterators. A race makes two threads compute the same value, which is harmless.
     */
    private long estimatedSizeMemo;

    private Message(Builder b) {
        this.id = b.id;
        this.durable = b.durable;
        this.priority = b.priority;
        this.timestamp = b.timestamp;
        this.expiration = b.expiration;
        this.deliveryTime = b.deliveryTime;
        this.messageId = b.messageId;
        this.correlationId = b.correlationId;
        this.replyTo = b.replyTo;
        this.contentType = b.contentType;
        this.contentEncoding = b.contentEncoding;
        this.userId = b.userId;
        this.subject = b.subject;
        this.groupId = b.groupId;
        this.deduplicationId = b.deduplicationId;
        this.address = b.address;
        this.routingKey = b.routingKey;
        this.properties = b.properties == null || b.properties.isEmpty() ? Map.of()
                : b.propertiesShared ? b.properties : Collections.unmodifiableMap(b.properties);
        this.body = b.body == null ? EMPTY : b.body;
        this.nativeForm = b.nativeForm;
        this.originConnection = b.originConnection;
    }

    private static final byte[] EMPTY = new byte[0];

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this message's content, for adapters and policies that derive a new message. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The broker-assigned id, unique within a broker (and its standby); 0 until the broker accepts the message. */
    public long id() { return id; }
    public boolean durable() { return durable; }
    /** 0 (lowest) to 9 (highest). */
    public int priority() { return priority; }
    /** When the producer created the message, epoch milliseconds; 0 if unknown. */
    public long timestamp() { return timestamp; }
    /** When the message expires, epoch milliseconds; 0 for never. */
    public long expiration() { return expiration; }
    /** Earliest time the message may be delivered, epoch milliseconds; 0 for at once. */
    public long deliveryTime() { return deliveryTime; }
    /** The producer's own message id (JMSMessageID, AMQP message-id, STOMP message-id); may be null. */
    public String messageId() { return messageId; }
    public String correlationId() { return correlationId; }
    public String replyTo() { return replyTo; }
    public String contentType() { return contentType; }
    public String contentEncoding() { return contentEncoding; }
    /** The authenticated user that published the message, when the adapter records it. */
    public String userId() { return userId; }
    /** AMQP subject, JMSType. */
    public String subject() { return subject; }
    /** Message group (JMSXGroupID, SQS MessageGroupId); messages of one group are delivered in order. */
    public String groupId() { return groupId; }
    /** Deduplication id (SQS MessageDeduplicationId, Artemis _AMQ_DUPL_ID). */
    public String deduplicationId() { return deduplicationId; }
    /** The exchange (address) the message was published to; "" is the default exchange. */
    public String address() { return address; }
    /** The routing key the message was published with. */
    public String routingKey() { return routingKey; }
    /** Typed application properties, in the order the producer gave them. */
    public Map<String, Object> properties() { return properties; }
    public Object property(String name) { return properties.get(name); }
    /** The payload; callers must not modify the returned array. */
    public byte[] body() { return body; }
    public NativeForm nativeForm() { return nativeForm; }
    /** The connection that published the message (for no-local subscriptions); 0 if none. Not persisted. */
    public long originConnection() { return originConnection; }

    /**
     * This message as an adapter encodes it for delivery in {@code shape}, made by {@code encoder} the first
     * time and kept with the message, so that a fan-out encodes once per shape rather than once per
     * subscriber. The encoding must depend on nothing but this message and the shape (a per-delivery field
     * such as a packet id is patched into a copy), and must not be modified by whoever reads it.
     */
    public <S, E> E encodedFor(S shape, Function<? super S, ? extends E> encoder) {
        EncodingMemo memo = encodings;
        if (memo == null) {
            // Two threads may each make one; the loser's entries are lost, which costs an encoding, nothing more.
            memo = new EncodingMemo();
            encodings = memo;
        }
        return memo.get(shape, encoder);
    }

    public boolean isExpired(long nowMillis) {
        return expiration > 0 && expiration <= nowMillis;
    }

    /** An estimate of the heap this message holds, used for memory limits and max-bytes policies. */
    public long estimatedSize() {
        long memo = estimatedSizeMemo;
        if (memo == 0) {
            memo = computeEstimatedSize();
            estimatedSizeMemo = memo;
        }
        return memo;
    }

    private long computeEstimatedSize() {
        long size = FIXED_OVERHEAD_BYTES + body.length + (nativeForm == null ? 0 : nativeForm.heldBytes());
        if (properties.isEmpty()) {
            return size;
        }
        // forEach, not the entry set: the unmodifiable map's iterator wraps every entry in a new object.
        long[] sum = {size};
        properties.forEach((name, value) -> sum[0] += 48 + 2L * name.length() + PropertyValues.estimatedSize(value));
        return sum[0];
    }

    /** A copy carrying the broker-assigned id; the native form stays valid since it never holds the id. */
    public Message withId(long newId) {
        return new Message(this, newId, originConnection, address, routingKey);
    }

    /**
     * A copy stamped, once per publish, with the broker id, the publishing connection and where it was
     * published (so that consumers of any protocol can tell the original destination).
     */
    public Message assign(long newId, long connection, String publishedTo, String publishedWithKey) {
        return new Message(this, newId, connection, publishedTo == null ? "" : publishedTo,
                publishedWithKey == null ? "" : publishedWithKey);
    }

    /**
     * A copy of {@code m} with another id, origin and destination, made without a builder: every publish makes
     * one. The properties, body and native form are shared, and so is the size estimate, which depends on nothing
     * else.
     */
    private Message(Message m, long id, long originConnection, String address, String routingKey) {
        this.id = id;
        this.durable = m.durable;
        this.priority = m.priority;
        this.timestamp = m.timestamp;
        this.expiration = m.expiration;
        this.deliveryTime = m.deliveryTime;
        this.messageId = m.messageId;
        this.correlationId = m.correlationId;
        this.replyTo = m.replyTo;
        this.contentType = m.contentType;
        this.contentEncoding = m.contentEncoding;
        this.userId = m.userId;
        this.subject = m.subject;
        this.groupId = m.groupId;
        this.deduplicationId = m.deduplicationId;
        this.address = address;
        this.routingKey = routingKey;
        this.properties = m.properties;
        this.body = m.body;
        this.nativeForm = m.nativeForm;
        this.originConnection = originConnection;
        this.estimatedSizeMemo = m.estimatedSizeMemo;
    }

    @Override
    public Object filterValue(String identifier) {
        switch (identifier) {
            case "JMSDeliveryMode": return durable ? "PERSISTENT" : "NON_PERSISTENT";
            case "JMSPriority": return priority;
            case "JMSMessageID": return messageId;
            case "JMSTimestamp": return timestamp;
            case "JMSCorrelationID": return correlationId;
            case "JMSType": return subject;
            case "JMSExpiration": return expiration;
            case "JMSDeliveryTime": return deliveryTime;
            case "JMSXGroupID": return groupId;
            case "JMSXUserID": return userId;
            default: return properties.get(identifier);
        }
    }

    @Override
    public String toString() {
        return "Message[id=" + id + ", address=" + address + ", key=" + routingKey + ", durable=" + durable
                + ", priority=" + priority + ", bytes=" + body.length + ", properties=" + properties.keySet() + "]";
    }

    /** Equality of content (not of identity or native form), useful to tests and deduplication. */
    public boolean sameContent(Message o) {
        return durable == o.durable && priority == o.priority && timestamp == o.timestamp
                && expiration == o.expiration && deliveryTime == o.deliveryTime
                && Objects.equals(messageId, o.messageId) && Objects.equals(correlationId, o.correlationId)
                && Objects.equals(replyTo, o.replyTo) && Objects.equals(contentType, o.contentType)
                && Objects.equals(contentEncoding, o.contentEncoding) && Objects.equals(userId, o.userId)
                && Objects.equals(subject, o.subject) && Objects.equals(groupId, o.groupId)
                && Objects.equals(deduplicationId, o.deduplicationId) && Objects.equals(address, o.address)
                && Objects.equals(routingKey, o.routingKey) && PropertyValues.sameProperties(properties, o.properties)
                && Arrays.equals(body, o.body);
    }

    /** Builds messages; adapters set what their protocol carries and leave the rest at defaults. */
    public static final class Builder {
        private long id;
        private boolean durable;
        private int priority = DEFAULT_PRIORITY;
        private long timestamp;
        private long expiration;
        private long deliveryTime;
        private String messageId;
        private String correlationId;
        private String replyTo;
        private String contentType;
        private String contentEncoding;
        private String userId;
        private String subject;
        private String groupId;
        private String deduplicationId;
        private String address = "";
        private String routingKey = "";
        /** The source message's own (unmodifiable) map while {@code propertiesShared}, else the builder's. */
        private Map<String, Object> properties;
        private boolean propertiesShared;
        private byte[] body;
        private NativeForm nativeForm;
        private long originConnection;

        private Builder() {
        }

        private Builder(Message m) {
            this.id = m.id;
            this.durable = m.durable;
            this.priority = m.priority;
            this.timestamp = m.timestamp;
            this.expiration = m.expiration;
            this.deliveryTime = m.deliveryTime;
            this.messageId = m.messageId;
            this.correlationId = m.correlationId;
            this.replyTo = m.replyTo;
            this.contentType = m.contentType;
            this.contentEncoding = m.contentEncoding;
            this.userId = m.userId;
            this.subject = m.subject;
            this.groupId = m.groupId;
            this.deduplicationId = m.deduplicationId;
            this.address = m.address;
            this.routingKey = m.routingKey;
            if (!m.properties.isEmpty()) {
                // Copied only when changed: most derived messages (a publish's assign) never touch the properties.
                this.properties = m.properties;
                this.propertiesShared = true;
            }
            this.body = m.body;
            this.originConnection = m.originConnection;
        }

        public Builder id(long v) { this.id = v; return this; }
        public Builder durable(boolean v) { this.durable = v; return this; }

        public Builder priority(int v) {
            if (v < 0 || v > MAX_PRIORITY) {
                throw new IllegalArgumentException("priority must be between 0 and 9, was " + v);
            }
            this.priority = v;
            return this;
        }

        public Builder timestamp(long v) { this.timestamp = v; return this; }
        public Builder expiration(long v) { this.expiration = Math.max(0, v); return this; }
        public Builder deliveryTime(long v) { this.deliveryTime = Math.max(0, v); return this; }
        public Builder messageId(String v) { this.messageId = v; return this; }
        public Builder correlationId(String v) { this.correlationId = v; return this; }
        public Builder replyTo(String v) { this.replyTo = v; return this; }
        public Builder contentType(String v) { this.contentType = v; return this; }
        public Builder contentEncoding(String v) { this.contentEncoding = v; return this; }
        public Builder userId(String v) { this.userId = v; return this; }
        public Builder subject(String v) { this.subject = v; return this; }
        public Builder groupId(String v) { this.groupId = v; return this; }
        public Builder deduplicationId(String v) { this.deduplicationId = v; return this; }
        public Builder address(String v) { this.address = v == null ? "" : v; return this; }
        public Builder routingKey(String v) { this.routingKey = v == null ? "" : v; return this; }
        public Builder body(byte[] v) { this.body = v; return this; }
        public Builder nativeForm(NativeForm v) { this.nativeForm = v; return this; }
        public Builder originConnection(long v) { this.originConnection = v; return this; }

        /** Sets an application property; the value must be one {@link PropertyValues#isValid} accepts. */
        public Builder property(String name, Object value) {
            Objects.requireNonNull(name, "property name");
            if (!PropertyValues.isValid(value)) {
                throw new IllegalArgumentException("property '" + name + "' has an unsupported type: "
                        + value.getClass().getName());
            }
            ownProperties().put(name, value);
            return this;
        }

        public Builder removeProperty(String name) {
            if (properties != null) {
                ownProperties().remove(name);
            }
            return this;
        }

        private Map<String, Object> ownProperties() {
            if (properties == null) {
                // Most messages carry a handful of properties: a table of 8 holds 6 without growing, half the default.
                properties = new LinkedHashMap<>(8);
            } else if (propertiesShared) {
                properties = new LinkedHashMap<>(properties);
                propertiesShared = false;
            }
            return properties;
        }

        public Builder properties(Map<String, ?> values) {
            values.forEach(this::property);
            return this;
        }

        public Message build() {
            return new Message(this);
        }
    }
}
