package io.ferrymq.core.journal;

import io.ferrymq.core.message.Message;
import io.ferrymq.core.message.NativeForm;

/**
 * The stored form of a message: every field the core model has, a format version first so later versions
 * can still read it. A native form is kept when it is plain bytes (the adapters' wire encodings).
 */
public final class MessageCodec {

    private static final int VERSION = 1;
    private static final int F_DURABLE = 1;
    private static final int F_NATIVE = 2;

    private MessageCodec() {
    }

    static void write(RecordOutput w, Message m) {
        w.putByte(VERSION);
        boolean nativeBytes = m.nativeForm() != null && m.nativeForm().value() instanceof byte[];
        w.putByte((m.durable() ? F_DURABLE : 0) | (nativeBytes ? F_NATIVE : 0));
        w.putLong(m.id());
        w.putByte(m.priority());
        w.putLong(m.timestamp());
        w.putLong(m.expiration());
        w.putLong(m.deliveryTime());
        w.putString(m.messageId());
        w.putString(m.correlationId());
        w.putString(m.replyTo());
        w.putString(m.contentType());
        w.putString(m.contentEncoding());
        w.putString(m.userId());
        w.putString(m.subject());
        w.putString(m.groupId());
        w.putString(m.deduplicationId());
        w.putString(m.address());
        w.putString(m.routingKey());
        w.putMap(m.properties());
        w.putBytes(m.body());
        if (nativeBytes) {
            w.putString(m.nativeForm().format());
            w.putBytes((byte[]) m.nativeForm().value());
        }
    }

    /** Where the id ends in the stored form: after the version and flag bytes. */
    static final int ID_END = 10;

    /** The id of the message stored at {@code at}, read without decoding the rest. */
    static long id(byte[] b, int at) {
        return Entry.getLong(b, at + 2);
    }

    static Message read(BinaryReader r) {
        int version = r.getByte();
        if (version != VERSION) {
            throw new MalformedRecordException("message format version " + version + " is not supported");
        }
        int flags = r.getByte();
        Message.Builder b = Message.builder()
                .durable((flags & F_DURABLE) != 0)
                .id(r.getLong())
                .priority(r.getByte())
                .timestamp(r.getLong())
                .expiration(r.getLong())
                .deliveryTime(r.getLong())
                .messageId(r.getString())
                .correlationId(r.getString())
                .replyTo(r.getString())
                .contentType(r.getString())
                .contentEncoding(r.getString())
                .userId(r.getString())
                .subject(r.getString())
                .groupId(r.getString())
                .deduplicationId(r.getString())
                .address(r.getString())
                .routingKey(r.getString())
                .properties(r.getMap())
                .body(r.getBytes());
        if ((flags & F_NATIVE) != 0) {
            b.nativeForm(new NativeForm(r.getString(), r.getBytes()));
        }
        return b.build();
    }

    /** A message as standalone bytes (page files). */
    public static byte[] encode(Message m) {
        BinaryWriter w = new BinaryWriter(256 + m.body().length);
        write(w, m);
        return w.toByteArray();
    }

    public static Message decode(byte[] bytes, int off, int len) {
        return read(new BinaryReader(bytes, off, len));
    }
}
