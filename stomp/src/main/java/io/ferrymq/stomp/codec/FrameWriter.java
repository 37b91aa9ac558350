package io.ferrymq.stomp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * Writes the lines of a frame straight into a buffer, escaped as {@link StompFrameEncoder} escapes them in the
 * given version, for frames assembled from cached and shared pieces rather than from a {@link StompFrame} (the
 * MESSAGE frames of deliveries). A value this version cannot carry is refused with an
 * {@link IllegalArgumentException}; the caller discards the frame it was writing.
 */
public final class FrameWriter {

    private static final byte LF = '\n';
    private static final FrameWriter[] BY_VERSION = {
        new FrameWriter(HeaderEscaping.NONE), new FrameWriter(HeaderEscaping.V1_1), new FrameWriter(HeaderEscaping.V1_2),
    };

    private final HeaderEscaping escaping;

    private FrameWriter(HeaderEscaping escaping) {
        this.escaping = escaping;
    }

    /** The writer for frames other than CONNECT, STOMP and CONNECTED in {@code version}. */
    public static FrameWriter of(StompVersion version) {
        return BY_VERSION[HeaderEscaping.forFrame(version, "MESSAGE").ordinal()];
    }

    /** A command line; commands are ASCII words. */
    public void command(ByteBuf out, String command) {
        ByteBufUtil.writeAscii(out, command);
        out.writeByte(LF);
    }

    /** A header line {@code name:value}, both escaped. */
    public void header(ByteBuf out, String name, String value) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a header name cannot be empty");
        }
        escaping.write(out, name, true);
        out.writeByte(':');
        escaping.write(out, value, false);
        out.writeByte(LF);
    }

    /** A header line with a non-negative number as its value, written without making a string of it. */
    public void header(ByteBuf out, String name, long value) {
        escaping.write(out, name, true);
        out.writeByte(':');
        decimal(out, value);
        out.writeByte(LF);
    }

    /** A header line as bytes, for a line written into many frames (a subscription's id). */
    public byte[] headerLine(String name, String value) {
        ByteBuf buf = Unpooled.buffer(name.length() + value.length() + 2);
        header(buf, name, value);
        return ByteBufUtil.getBytes(buf);
    }

    /** The blank line that ends the headers. */
    public static void endHeaders(ByteBuf out) {
        out.writeByte(LF);
    }

    /** A non-negative number in ASCII decimal. */
    static void decimal(ByteBuf out, long value) {
        long divisor = 1;
        while (value / divisor >= 10) {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10) {
            out.writeByte('0' + (int) (value / divisor % 10));
        }
    }
}
