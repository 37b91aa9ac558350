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
