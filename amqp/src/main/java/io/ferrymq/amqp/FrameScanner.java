package io.ferrymq.amqp;

import io.ferrymq.amqp.message.AmqpCodec;
import io.netty.buffer.ByteBuf;

/**
 * Watches the frame headers of the incoming byte stream before Proton sees them (AMQP 1.0 part 2.3.1):
 * frames larger than the negotiated max-frame-size, malformed sizes and offsets, and channels above
 * channel-max are caught here, and each AMQP frame's performative goes past the {@link FrameGuard}, so the
 * broker can answer with an error that explains them while its Proton engine is still sound.
 */
final class FrameScanner {

    private static final int FRAME_HEADER = 8;
    private static final int AMQP_FRAME = 0;

    private final int maxFrameSize;
    private final int channelMax;
    private final FrameGuard guard;
    private String violation;
    private FrameGuard.Verdict stopped;
    private int stoppedLength;

    FrameScanner(int maxFrameSize, int channelMax, FrameGuard guard) {
        this.maxFrameSize = maxFrameSize;
        this.channelMax = channelMax;
        this.guard = guard;
    }

    /**
     * How many of the readable bytes may go on to Proton: whole frames only, so that each AMQP frame's
     * performative can be checked first (a frame is at most max-frame-size, so waiting for one is bounded).
     * Stops before a frame that breaks a limit ({@link #violation()}) or that the guard does not pass
     * ({@link #stopped()}, {@link #stoppedLength()}).
     */
    int scan(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int i = start;
        stopped = null;
        while (end - i >= FRAME_HEADER && violation == null) {
            long size = in.getUnsignedInt(i);
            int dataOffset = in.getUnsignedByte(i + 4);
            int type = in.getUnsignedByte(i + 5);
            int channel = in.getUnsignedShort(i + 6);
            violation = check(size, dataOffset, type, channel);
            if (violation != null || end - i < size) {
                break;
            }
            int bodyStart = dataOffset * 4;
            if (type == AMQP_FRAME && size > bodyStart) {
                FrameGuard.Verdict v = guard.check(channel, performative(in, i + bodyStart, (int) size - bodyStart));
                if (v.action() != FrameGuard.Action.PASS) {
                    stopped = v;
                    stoppedLength = (int) size;
                    break;
                }
            }
            i += (int) size;
        }
        return i - start;
    }

    /** The frame's performative, or null when it does not decode (Proton then reports the decode error). */
    private static Object performative(ByteBuf in, int at, int length) {
        try {
            return AmqpCodec.get().decode(in.nioBuffer(at, length));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The guard's verdict on the frame {@link #scan} stopped before, or null. */
    FrameGuard.Verdict stopped() {
        return stopped;
    }

    /** The length of the frame {@link #scan} stopped before. */
    int stoppedLength() {
        return stoppedLength;
    }

    /**
     * The length of the complete frame at the reader index: 0 while it is still arriving, -1 when its
     * header breaks a limit (see {@link #violation()}).
     */
    int completeFrame(ByteBuf in) {
        if (in.readableBytes() < FRAME_HEADER) {
            return 0;
        }
        int i = in.readerIndex();
        long size = in.getUnsignedInt(i);
        violation = check(size, in.getUnsignedByte(i + 4), in.getUnsignedByte(i + 5), 0);
        if (violation != null) {
            return -1;
        }
        return in.readableBytes() >= size ? (int) size : 0;
    }

    private String check(long size, int dataOffset, int type, int channel) {
        if (size < FRAME_HEADER) {
            return "frame size " + size + " is smaller than a frame header (8 bytes)";
        }
        if (size > maxFrameSize) {
            return "frame size " + size + " is larger than the negotiated max-frame-size " + maxFrameSize
                    + "; split messages into transfers of at most that size";
        }
        if (dataOffset < 2 || dataOffset * 4L > size) {
            return "frame data offset " + dataOffset + " does not fit a frame of " + size + " bytes";
        }
        if (type == AMQP_FRAME && channel > channelMax) {
            return "channel " + channel + " is above the negotiated channel-max " + channelMax + ": at most "
                    + (channelMax + 1L) + " sessions per connection (amqp.channel-max, limits.max-channels-per-connection)";
        }
        return null;
    }

    String violation() {
        return violation;
    }
}
