package io.ferrymq.amqp091.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Encodes frames into buffers: a method, or a method with its content header and body frames. */
public final class FrameWriter {

    private FrameWriter() {
    }

    public static ByteBuf method(ByteBufAllocator alloc, int channel, Method m) {
        ByteBuf out = alloc.buffer(64);
        writeMethod(out, channel, m);
        return out;
    }

    private static void writeMethod(ByteBuf out, int channel, Method m) {
        int start = begin(out, Frame.TYPE_METHOD, channel);
        m.encode(out);
        end(out, start);
    }

    /** A method followed by its content, the body split into frames of at most {@code frameMax} bytes. */
    public static ByteBuf content(ByteBufAllocator alloc, int channel, Method m, BasicProperties props, byte[] body,
                                  int frameMax) {
        int maxBody = frameMax - Frame.OVERHEAD;
        ByteBuf out = alloc.buffer(128 + body.length + (body.length / maxBody + 1) * Frame.OVERHEAD);
        writeMethod(out, channel, m);
        int start = begin(out, Frame.TYPE_HEADER, channel);
        out.writeShort(60);
        out.writeShort(0);
        out.writeLong(body.length);
        props.encode(out);
        end(out, start);
        for (int at = 0; at < body.length; at += maxBody) {
            int n = Math.min(maxBody, body.length - at);
            int s = begin(out, Frame.TYPE_BODY, channel);
            out.writeBytes(body, at, n);
            end(out, s);
        }
        return out;
    }

    public static ByteBuf heartbeat(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(8);
        int start = begin(out, Frame.TYPE_HEARTBEAT, 0);
        end(out, start);
        return out;
    }

    private static int begin(ByteBuf out, int type, int channel) {
        out.writeByte(type);
        out.writeShort(channel);
        int sizeAt = out.writerIndex();
        out.writeInt(0);
        return sizeAt;
    }

    private static void end(ByteBuf out, int sizeAt) {
        out.setInt(sizeAt, out.writerIndex() - sizeAt - 4);
        out.writeByte(Frame.FRAME_END);
    }
}
