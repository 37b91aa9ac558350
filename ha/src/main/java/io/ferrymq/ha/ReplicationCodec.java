package io.ferrymq.ha;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Messages to frames and back: {@code [length:4][type:1][epoch:8][body]}, the length counting what follows it.
 * Frames come in through Netty's length-field decoder in front of this handler; going out, each message is
 * encoded with its length prefix straight into one buffer of the size it needs (one copy of a batch's entries,
 * no separate prefix buffer, and a direct buffer that the socket writes without another copy).
 */
final class ReplicationCodec extends ChannelDuplexHandler {

    static final int MAX_FRAME = 256 * 1024 * 1024;
    /** The length prefix. */
    static final int PREFIX = 4;
    /** Type and epoch, in front of every message's own fields. */
    private static final int HEADER = 9;

    private static final byte HELLO = 1;
    private static final byte SNAPSHOT_BEGIN = 2;
    private static final byte SNAPSHOT_CHUNK = 3;
    private static final byte SNAPSHOT_END = 4;
    private static final byte APPEND = 5;
    private static final byte ACK = 6;
    private static final byte HEARTBEAT = 7;
    private static final byte REFUSED = 8;
    private static final byte STREAM_OP = 32;
    private static final byte STREAM_ACK = 33;
    private static final byte PAGE_WRITE = 20;
    private static final byte PAGE_DELETE = 21;
    private static final byte PAGE_ACK = 22;

    /** A message is encoded here; a frame already encoded ({@link #encodeAppend}) passes as it is. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ReplicationMessage m) {
            ctx.write(encode(ctx.alloc(), m), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ReplicationMessage m;
        try {
            m = decode(frame);
        } finally {
            frame.release();
        }
        ctx.fireChannelRead(m);
    }

    static ByteBuf encode(ByteBufAllocator alloc, ReplicationMessage msg) {
        ByteBuf b = alloc.ioBuffer(PREFIX + HEADER + 48 + bodyLength(msg));
        int start = b.writerIndex();
        b.writeInt(0);
        if (msg instanceof ReplicationMessage.Hello m) {
            string(b.writeByte(HELLO).writeLong(m.epoch()), m.nodeId());
        } else if (msg instanceof ReplicationMessage.SnapshotBegin m) {
            b.writeByte(SNAPSHOT_BEGIN).writeLong(m.epoch()).writeLong(m.through());
        } else if (msg instanceof ReplicationMessage.SnapshotChunk m) {
            b.writeByte(SNAPSHOT_CHUNK).writeLong(m.epoch()).writeBytes(m.entry());
        } else if (msg instanceof ReplicationMessage.SnapshotEnd m) {
            b.writeByte(SNAPSHOT_END).writeLong(m.epoch()).writeLong(m.through());
        } else if (msg instanceof ReplicationMessage.Append m) {
            b.writeByte(APPEND).writeLong(m.epoch()).writeLong(m.first()).writeLong(m.sequence()).writeBytes(m.entries());
        } else if (msg instanceof ReplicationMessage.Ack m) {
            b.writeByte(ACK).writeLong(m.epoch()).writeLong(m.sequence());
        } else if (msg instanceof ReplicationMessage.Heartbeat m) {
            b.writeByte(HEARTBEAT).writeLong(m.epoch());
        } else if (msg instanceof ReplicationMessage.Refused m) {
            string(b.writeByte(REFUSED).writeLong(m.epoch()), m.reason());
        } else if (msg instanceof ReplicationMessage.StreamOp m) {
            b.writeByte(STREAM_OP).writeLong(m.epoch()).writeLong(m.sequence()).writeBytes(m.body());
        } else if (msg instanceof ReplicationMessage.StreamAck m) {
            b.writeByte(STREAM_ACK).writeLong(m.epoch()).writeLong(m.sequence());
        } else if (msg instanceof ReplicationMessage.PageWrite m) {
            b.writeByte(PAGE_WRITE).writeLong(m.epoch()).writeLong(m.sequence()).writeLong(m.queueId())
                    .writeLong(m.file()).writeLong(m.record()).writeBytes(m.bytes());
        } else if (msg instanceof ReplicationMessage.PageDelete m) {
            b.writeByte(PAGE_DELETE).writeLong(m.epoch()).writeLong(m.sequence()).writeLong(m.queueId())
                    .writeLong(m.file());
        } else if (msg instanceof ReplicationMessage.PageAck m) {
            b.writeByte(PAGE_ACK).writeLong(m.epoch()).writeLong(m.sequence());
        }
        b.setInt(start, b.writerIndex() - start - PREFIX);
        return b;
    }

    /**
     * The frame of an {@link ReplicationMessage.Append} of the entries in {@code entries} (from its position to its
     * limit, which it is left at), built at once on the caller's thread: the entries' one copy on their way out, into
     * the direct buffer the socket writes. The buffer goes to the channel as it is (see {@link #write}).
     */
    static ByteBuf encodeAppend(ByteBufAllocator alloc, long epoch, long first, long last, ByteBuffer entries) {
        int length = entries.remaining();
        ByteBuf b = alloc.ioBuffer(PREFIX + HEADER + 16 + length);
        b.writeInt(HEADER + 16 + length).writeByte(APPEND).writeLong(epoch).writeLong(first).writeLong(last)
                .writeBytes(entries);
        return b;
    }

    /** The bytes a message carries beyond its fixed fields, so that its buffer never grows. */
    private static int bodyLength(ReplicationMessage msg) {
        if (msg instanceof ReplicationMessage.Append m) {
            return m.entries().length;
        }
        if (msg instanceof ReplicationMessage.SnapshotChunk m) {
            return m.entry().length;
        }
        if (msg instanceof ReplicationMessage.StreamOp m) {
            return m.body().length;
        }
        if (msg instanceof ReplicationMessage.PageWrite m) {
            return m.bytes().length;
        }
        return 0;
    }

    private static void string(ByteBuf b, String s) {
        b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    static ReplicationMessage decode(ByteBuf in) {
        if (in.readableBytes() < 9) {
            throw new IllegalArgumentException("a replication frame of " + in.readableBytes() + " bytes is too short");
        }
        byte type = in.readByte();
        long epoch = in.readLong();
        return switch (type) {
            case HELLO -> new ReplicationMessage.Hello(epoch, in.readCharSequence(in.readableBytes(),
                    StandardCharsets.UTF_8).toString());
            case SNAPSHOT_BEGIN -> new ReplicationMessage.SnapshotBegin(epoch, in.readLong());
            case SNAPSHOT_CHUNK -> new ReplicationMessage.SnapshotChunk(epoch, rest(in));
            case SNAPSHOT_END -> new ReplicationMessage.SnapshotEnd(epoch, in.readLong());
            case APPEND -> new ReplicationMessage.Append(epoch, in.readLong(), in.readLong(), rest(in));
            case ACK -> new ReplicationMessage.Ack(epoch, in.readLong());
            case HEARTBEAT -> new ReplicationMessage.Heartbeat(epoch);
            case REFUSED -> new ReplicationMessage.Refused(epoch, in.readCharSequence(in.readableBytes(),
                    StandardCharsets.UTF_8).toString());
            case STREAM_OP -> new ReplicationMessage.StreamOp(epoch, in.readLong(), rest(in));
            case STREAM_ACK -> new ReplicationMessage.StreamAck(epoch, in.readLong());
            case PAGE_WRITE -> new ReplicationMessage.PageWrite(epoch, in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), rest(in));
            case PAGE_DELETE -> new ReplicationMessage.PageDelete(epoch, in.readLong(), in.readLong(), in.readLong());
            case PAGE_ACK -> new ReplicationMessage.PageAck(epoch, in.readLong());
            default -> throw new IllegalArgumentException("unknown replication message type " + type);
        };
    }

    private static byte[] rest(ByteBuf in) {
        byte[] b = new byte[in.readableBytes()];
        in.readBytes(b);
        return b;
    }
}
