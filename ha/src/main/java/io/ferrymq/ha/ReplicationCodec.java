package io.ferrymq.ha;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Frames (after a length-field decoder) to messages and back: {@code [type:1][epoch:8][body]}. The
 * length prefix is added and removed by Netty's length-field handlers in front of this codec.
 */
final class ReplicationCodec extends MessageToMessageCodec<ByteBuf, ReplicationMessage> {

    static final int MAX_FRAME = 256 * 1024 * 1024;

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

    @Override
    protected void encode(ChannelHandlerContext ctx, ReplicationMessage msg, List<Object> out) {
        ByteBuf b = ctx.alloc().buffer(64);
        if (msg instanceof ReplicationMessage.Hello m) {
            string(b.writeByte(HELLO).writeLong(m.epoch()), m.nodeId());
        } else if (msg instanceof ReplicationMessage.SnapshotBegin m) {
            b.writeByte(SNAPSHOT_BEGIN).writeLong(m.epoch()).writeLong(m.through());
        } else if (msg instanceof ReplicationMessage.SnapshotChunk m) {
            b.writeByte(SNAPSHOT_CHUNK).writeLong(m.epoch()).writeBytes(m.entry());
        } else if (msg instanceof ReplicationMessage.SnapshotEnd m) {
            b.writeByte(SNAPSHOT_END).writeLong(m.epoch()).writeLong(m.through());
        } else if (msg instanceof ReplicationMessage.Append m) {
            // The entries are not copied: the frame is this header and the journal's own bytes.
            b.writeByte(APPEND).writeLong(m.epoch()).writeLong(m.first()).writeLong(m.sequence());
            out.add(Unpooled.wrappedBuffer(b, Unpooled.wrappedBuffer(m.entries())));
            return;
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
        out.add(b);
    }

    private static void string(ByteBuf b, String s) {
        b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 9) {
            throw new IllegalArgumentException("a replication frame of " + in.readableBytes() + " bytes is too short");
        }
        byte type = in.readByte();
        long epoch = in.readLong();
        out.add(switch (type) {
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
        });
    }

    private static byte[] rest(ByteBuf in) {
        byte[] b = new byte[in.readableBytes()];
        in.readBytes(b);
        return b;
    }
}
