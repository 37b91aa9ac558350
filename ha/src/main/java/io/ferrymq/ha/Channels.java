package io.ferrymq.ha;

import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/** The replication channel's pipeline, the same on both ends. */
final class Channels {

    private Channels() {
    }

    /**
     * Heartbeats go out after a quarter of the failover timeout without other writes; a peer silent for
     * the whole timeout is gone.
     */
    static void pipeline(SocketChannel ch, long failoverMillis) {
        ch.pipeline()
                .addLast(new IdleStateHandler(failoverMillis, Math.max(20, failoverMillis / 4), 0, TimeUnit.MILLISECONDS))
                .addLast(new LengthFieldBasedFrameDecoder(ReplicationCodec.MAX_FRAME, 0, 4, 0, 4))
                .addLast(new LengthFieldPrepender(4))
                .addLast(new ReplicationCodec());
    }
}
