package io.ferrymq.ha;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The replication frames: each message comes out of the other end as it went in, length prefix included. */
class ReplicationCodecTest {

    @Test
    void anAppendTravelsWithItsEntriesInOneLengthPrefixedFrame() {
        byte[] entries = new byte[3000];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = (byte) i;
        }
        ByteBuf frame = ReplicationCodec.encode(io.netty.buffer.ByteBufAllocator.DEFAULT,
                new ReplicationMessage.Append(7, 10, 12, entries));
        assertThat(frame.getInt(0)).isEqualTo(frame.readableBytes() - ReplicationCodec.PREFIX);

        ReplicationMessage.Append back = (ReplicationMessage.Append) roundTrip(frame);
        assertThat(back.epoch()).isEqualTo(7);
        assertThat(back.first()).isEqualTo(10);
        assertThat(back.sequence()).isEqualTo(12);
        assertThat(back.entries()).isEqualTo(entries);
    }

    @Test
    void anAppendEncodedFromTheJournalsBufferDecodesAsTheSameAppend() {
        byte[] batch = new byte[2000];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (byte) (i * 7);
        }
        // The journal lends a view of its reused array: only [100, 1900) is this batch.
        java.nio.ByteBuffer lent = java.nio.ByteBuffer.wrap(batch, 100, 1800);
        ByteBuf frame = ReplicationCodec.encodeAppend(io.netty.buffer.ByteBufAllocator.DEFAULT, 7, 10, 12, lent);
        assertThat(frame.isDirect()).isTrue();
        assertThat(frame.getInt(0)).isEqualTo(frame.readableBytes() - ReplicationCodec.PREFIX);

        // Written as it is: the codec passes an encoded frame through.
        EmbeddedChannel out = new EmbeddedChannel(new ReplicationCodec());
        out.writeOutbound(frame);
        ReplicationMessage.Append back = (ReplicationMessage.Append) roundTrip((ByteBuf) out.readOutbound());
        assertThat(back.epoch()).isEqualTo(7);
        assertThat(back.first()).isEqualTo(10);
        assertThat(back.sequence()).isEqualTo(12);
        assertThat(back.entries()).isEqualTo(java.util.Arrays.copyOfRange(batch, 100, 1900));
    }

    @Test
    void smallMessagesKeepTheirFields() {
        assertThat(roundTrip(new ReplicationMessage.Ack(3, 99))).isEqualTo(new ReplicationMessage.Ack(3, 99));
        assertThat(roundTrip(new ReplicationMessage.Hello(3, "node-b"))).isEqualTo(new ReplicationMessage.Hello(3, "node-b"));
        assertThat(roundTrip(new ReplicationMessage.Heartbeat(4))).isEqualTo(new ReplicationMessage.Heartbeat(4));
        assertThat(roundTrip(new ReplicationMessage.PageDelete(2, 5, 6, -1)))
                .isEqualTo(new ReplicationMessage.PageDelete(2, 5, 6, -1));
        ReplicationMessage.StreamOp op = (ReplicationMessage.StreamOp) roundTrip(
                new ReplicationMessage.StreamOp(2, 8, StreamOps.end()));
        assertThat(op.sequence()).isEqualTo(8);
        assertThat(StreamOps.read(op.body())).isInstanceOf(StreamOps.End.class);
    }

    private static ReplicationMessage roundTrip(ReplicationMessage m) {
        EmbeddedChannel out = new EmbeddedChannel(new ReplicationCodec());
        out.writeOutbound(m);
        ByteBuf frame = out.readOutbound();
        return roundTrip(frame);
    }

    private static ReplicationMessage roundTrip(ByteBuf frame) {
        EmbeddedChannel in = new EmbeddedChannel(new LengthFieldBasedFrameDecoder(ReplicationCodec.MAX_FRAME, 0,
                ReplicationCodec.PREFIX, 0, ReplicationCodec.PREFIX), new ReplicationCodec());
        in.writeInbound(frame);
        return in.readInbound();
    }
}
