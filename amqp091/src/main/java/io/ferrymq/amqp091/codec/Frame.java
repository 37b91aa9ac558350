package io.ferrymq.amqp091.codec;

import io.netty.buffer.ByteBuf;

/**
 * A decoded frame: a method, a content header, a body part or a heartbeat, on a channel. A body's
 * bytes are copied out of the socket buffer, so a frame holds no reference-counted memory.
 */
public sealed interface Frame {

    int TYPE_METHOD = 1;
    int TYPE_HEADER = 2;
    int TYPE_BODY = 3;
    int TYPE_HEARTBEAT = 8;
    int FRAME_END = 0xCE;
    /** Type, channel, size before the payload; the frame-end octet after it. */
    int OVERHEAD = 8;

    int channel();

    record MethodFrame(int channel, Method method) implements Frame { }

    record HeaderFrame(int channel, int classId, long bodySize, BasicProperties properties) implements Frame { }

    record BodyFrame(int channel, byte[] bytes) implements Frame { }

    record Heartbeat(int channel) implements Frame { }

    /** Decodes a frame's payload by its type. */
    static Frame decode(int type, int channel, ByteBuf payload) {
        return switch (type) {
            case TYPE_METHOD -> new MethodFrame(channel, Method.decode(payload));
            case TYPE_HEADER -> {
                if (payload.readableBytes() < 14) {
                    throw new AmqpFrameException(ReplyCodes.SYNTAX_ERROR, "content header frame too short");
                }
                int classId = payload.readUnsignedShort();
                payload.skipBytes(2); // weight, unused
                long size = payload.readLong();
                yield new HeaderFrame(channel, classId, size, BasicProperties.decode(payload));
            }
            case TYPE_BODY -> {
                byte[] b = new byte[payload.readableBytes()];
                payload.readBytes(b);
                yield new BodyFrame(channel, b);
            }
            case TYPE_HEARTBEAT -> {
                if (channel != 0) {
                    throw new AmqpFrameException(ReplyCodes.COMMAND_INVALID, "heartbeat frame on channel " + channel
                            + "; heartbeats belong on channel 0");
                }
                yield new Heartbeat(channel);
            }
            default -> throw new AmqpFrameException(ReplyCodes.FRAME_ERROR, "unknown frame type " + type);
        };
    }
}
