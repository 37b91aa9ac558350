package io.ferrymq.amqp091.codec;

import io.netty.buffer.ByteBuf;

import java.util.Date;
import java.util.Map;

/**
 * The basic class's content header properties, each null when absent (the property flags say which
 * are present). {@code timestamp} is in seconds, as on the wire.
 */
public record BasicProperties(String contentType, String contentEncoding, Map<String, Object> headers,
                              Integer deliveryMode, Integer priority, String correlationId, String replyTo,
                              String expiration, String messageId, Long timestamp, String type, String userId,
                              String appId, String clusterId) {

    public static final BasicProperties EMPTY = new BasicProperties(null, null, null, null, null, null, null,
            null, null, null, null, null, null, null);

    /** These properties with another reply-to (direct reply-to's rewritten address). */
    public BasicProperties withReplyTo(String v) {
        return new BasicProperties(contentType, contentEncoding, headers, deliveryMode, priority, correlationId, v,
                expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    /** Reads the property flags and list of a content header frame (after class, weight and body size). */
    public static BasicProperties decode(ByteBuf in) {
        try {
            int flags = in.readUnsignedShort();
            int more = flags;
            while ((more & 1) != 0) {
                // Continuation flag words: the basic class defines no properties there.
                more = in.readUnsignedShort();
            }
            return new BasicProperties(
                    has(flags, 15) ? FieldCodec.readShortString(in) : null,
                    has(flags, 14) ? FieldCodec.readShortString(in) : null,
                    has(flags, 13) ? FieldCodec.readTable(in) : null,
                    has(flags, 12) ? (int) in.readUnsignedByte() : null,
                    has(flags, 11) ? (int) in.readUnsignedByte() : null,
                    has(flags, 10) ? FieldCodec.readShortString(in) : null,
                    has(flags, 9) ? FieldCodec.readShortString(in) : null,
                    has(flags, 8) ? FieldCodec.readShortString(in) : null,
                    has(flags, 7) ? FieldCodec.readShortString(in) : null,
                    has(flags, 6) ? in.readLong() : null,
                    has(flags, 5) ? FieldCodec.readShortString(in) : null,
                    has(flags, 4) ? FieldCodec.readShortString(in) : null,
                    has(flags, 3) ? FieldCodec.readShortString(in) : null,
                    has(flags, 2) ? FieldCodec.readShortString(in) : null);
        } catch (IndexOutOfBoundsException e) {
            throw new AmqpFrameException(ReplyCodes.SYNTAX_ERROR, "content header too short for its properties");
        }
    }

    private static boolean has(int flags, int bit) {
        return (flags & (1 << bit)) != 0;
    }

    public void encode(ByteBuf out) {
        int flags = 0;
        Object[] values = {contentType, contentEncoding, headers, deliveryMode, priority, correlationId, replyTo,
                expiration, messageId, timestamp, type, userId, appId, clusterId};
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                flags |= 1 << (15 - i);
            }
        }
        out.writeShort(flags);
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v == null) {
                continue;
            }
            switch (i) {
                case 2 -> {
                    @SuppressWarnings("unchecked")
                    Map<String, ?> h = (Map<String, ?>) v;
                    FieldCodec.writeTable(out, h);
                }
                case 3, 4 -> out.writeByte((Integer) v);
                case 9 -> out.writeLong(v instanceof Date d ? d.getTime() / 1000 : (Long) v);
                default -> FieldCodec.writeShortString(out, (String) v);
            }
        }
    }
}
