package io.ferrymq.aws.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * AWS's {@code application/vnd.amazon.eventstream} framing: a prelude (total length, headers length, CRC32 of
 * those eight bytes), headers (name length, name, type 7 = string, value length, value), the payload and a
 * CRC32 of everything before it. Only string headers are written; reading is for tests and malformed input.
 */
public final class EventStreamMessages {

    private static final int PRELUDE = 12;
    private static final int TRAILER = 4;
    private static final byte STRING = 7;

    /** A decoded message. */
    public record Message(Map<String, String> headers, byte[] payload) { }

    private EventStreamMessages() {
    }

    /** An event ({@code :message-type event}) of {@code eventType} with a payload of {@code contentType}. */
    public static byte[] event(String eventType, String contentType, byte[] payload) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(":event-type", eventType);
        h.put(":content-type", contentType);
        h.put(":message-type", "event");
        return encode(h, payload);
    }

    /** A modelled error ({@code :message-type exception}) that ends a stream. */
    public static byte[] exception(String exceptionType, String contentType, byte[] payload) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(":exception-type", exceptionType);
        h.put(":content-type", contentType);
        h.put(":message-type", "exception");
        return encode(h, payload);
    }

    public static byte[] encode(Map<String, String> headers, byte[] payload) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        for (Map.Entry<String, String> e : headers.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = e.getValue().getBytes(StandardCharsets.UTF_8);
            h.write(name.length);
            h.writeBytes(name);
            h.write(STRING);
            h.write(value.length >>> 8);
            h.write(value.length & 0xff);
            h.writeBytes(value);
        }
        byte[] hb = h.toByteArray();
        int total = PRELUDE + hb.length + payload.length + TRAILER;
        ByteBuffer out = ByteBuffer.allocate(total);
        out.putInt(total).putInt(hb.length);
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, 8);
        out.putInt((int) crc.getValue());
        out.put(hb).put(payload);
        crc.reset();
        crc.update(out.array(), 0, total - TRAILER);
        out.putInt((int) crc.getValue());
        return out.array();
    }

    /**
     * Decodes one message at the buffer's position and moves past it.
     *
     * @throws IllegalArgumentException when lengths or checksums do not hold
     */
    public static Message decode(ByteBuffer in) {
        int start = in.position();
        if (in.remaining() < PRELUDE + TRAILER) {
            throw new IllegalArgumentException("an event-stream message is at least 16 bytes");
        }
        int total = in.getInt();
        int headersLength = in.getInt();
        int preludeCrc = in.getInt();
        CRC32 crc = new CRC32();
        crc.update(in.array(), in.arrayOffset() + start, 8);
        if ((int) crc.getValue() != preludeCrc) {
            throw new IllegalArgumentException("prelude checksum mismatch");
        }
        if (total < PRELUDE + TRAILER || headersLength < 0 || headersLength > total - PRELUDE - TRAILER
                || total - PRELUDE > in.remaining()) {
            throw new IllegalArgumentException("message length " + total + " does not fit");
        }
        crc.reset();
        crc.update(in.array(), in.arrayOffset() + start, total - TRAILER);
        Map<String, String> headers = new LinkedHashMap<>();
        int headersEnd = in.position() + headersLength;
        while (in.position() < headersEnd) {
            byte[] name = new byte[in.get() & 0xff];
            in.get(name);
            if (in.get() != STRING) {
                throw new IllegalArgumentException("only string headers are read");
            }
            byte[] value = new byte[in.getShort() & 0xffff];
            in.get(value);
            headers.put(new String(name, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
        }
        byte[] payload = new byte[total - PRELUDE - headersLength - TRAILER];
        in.get(payload);
        if (in.getInt() != (int) crc.getValue()) {
            throw new IllegalArgumentException("message checksum mismatch");
        }
        return new Message(headers, payload);
    }
}
