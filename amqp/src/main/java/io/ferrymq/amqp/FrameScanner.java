package io.ferrymq.amqp;

import io.netty.buffer.ByteBuf;

/**
 * Watches the frame headers of the incoming byte stream before Proton sees them (AMQP 1.0 part 2.3.1):
 * frames larger than the negotiated max-frame-size, malformed sizes and offsets, and channels above
 * channel-max are caught here, so the broker can answer with a close that explains them while its Proton
 * engine is still sound.
 */
final class FrameScanner {

    private static final int FRAME_HEADER = 8;
    private static final int AMQP_FRAME = 0;

    private final int maxFrameSize;
    private final int channelMax;
    private long bodyLeft;
    private String violation;

    FrameScanner(int maxFrameSize, int channelMax) {
        this.maxFrameSize = maxFrameSize;
        this.channelMax = channelMax;
    }

    /**
     * How many of the readable bytes may go on to Proton: whole frames and the part of a frame body that
     * has arrived, but never a partial frame header (its size is not known yet). Stops before a frame that
     * breaks a limit and records why ({@link #violation()}).
     */
    int scan(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int i = start;
        while (i < end && violation == null) {
            if (bodyLeft > 0) {
                int k = (int) Math.min(bodyLeft, end - i);
                i += k;
                bodyLeft -= k;
                continue;
            }
            if (end - i < FRAME_HEADER) {
                break;
            }
            long size = in.getUnsignedInt(i);
            violation = check(size, in.getUnsignedByte(i + 4), in.getUnsignedByte(i + 5), in.getUnsignedShort(i + 6));
            if (violation != null) {
                break;
            }
            i += FRAME_HEADER;
            bodyLeft = size - FRAME_HEADER;
        }
        return i - start;
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
            return "channel " + channel + " is above the negotiated channel-max " + channelMax;
        }
        return null;
    }

    String violation() {
        return violation;
    }
}
