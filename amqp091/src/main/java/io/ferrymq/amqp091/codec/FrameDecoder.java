package io.ferrymq.amqp091.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Reads the protocol header, then frames. A header of another version is answered with the 0-9-1 header
 * and the connection closed (as the spec asks); a frame larger than the negotiated frame-max, with a bad
 * frame-end octet or an unknown type fails with 501 FRAME_ERROR.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(FrameDecoder.class);
    public static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    private boolean headerRead;
    private int maxFrameSize;
    private boolean failed;

    public FrameDecoder(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    /** The negotiated frame-max: the largest whole frame, overhead included. */
    public void maxFrameSize(int n) {
        this.maxFrameSize = n;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (!headerRead) {
            if (in.readableBytes() < PROTOCOL_HEADER.length) {
                return;
            }
            for (int i = 0; i < PROTOCOL_HEADER.length; i++) {
                if (in.getByte(in.readerIndex() + i) != PROTOCOL_HEADER[i]) {
                    LOG.info("AMQP 0-9-1 connection from {}: unsupported protocol header {}, answering with 0-9-1's",
                            ctx.channel().remoteAddress(), describe(in));
                    failed = true;
                    in.skipBytes(in.readableBytes());
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(PROTOCOL_HEADER)).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
            }
            in.skipBytes(PROTOCOL_HEADER.length);
            headerRead = true;
            out.add(ProtocolHeaderReceived.INSTANCE);
        }
        while (in.readableBytes() >= 7) {
            int start = in.readerIndex();
            int type = in.getUnsignedByte(start);
            int channel = in.getUnsignedShort(start + 1);
            long size = in.getUnsignedInt(start + 3);
            if (size + Frame.OVERHEAD > maxFrameSize) {
                fail(in, new AmqpFrameException(ReplyCodes.FRAME_ERROR, "frame of " + (size + Frame.OVERHEAD)
                        + " bytes is larger than the negotiated frame-max of " + maxFrameSize));
            }
            if (in.readableBytes() < size + Frame.OVERHEAD) {
                return;
            }
            int end = in.getUnsignedByte(start + 7 + (int) size);
            if (end != Frame.FRAME_END) {
                fail(in, new AmqpFrameException(ReplyCodes.FRAME_ERROR, "frame-end octet is 0x"
                        + Integer.toHexString(end) + ", expected 0xce"));
            }
            ByteBuf payload = in.slice(start + 7, (int) size);
            in.readerIndex(start + Frame.OVERHEAD + (int) size);
            try {
                out.add(Frame.decode(type, channel, payload));
            } catch (AmqpFrameException e) {
                fail(in, e);
            }
        }
    }

    private void fail(ByteBuf in, AmqpFrameException e) {
        failed = true;
        in.skipBytes(in.readableBytes());
        throw e;
    }

    private static String describe(ByteBuf in) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, in.readableBytes()); i++) {
            int b = in.getUnsignedByte(in.readerIndex() + i);
            sb.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return sb.toString();
    }

    /** Passed on once the client's protocol header was accepted: the server speaks first then. */
    public enum ProtocolHeaderReceived { INSTANCE }
}
