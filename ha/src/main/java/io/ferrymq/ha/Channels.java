package io.ferrymq.ha;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * The replication channel's transport and pipeline, the same on both ends. Native epoll where the platform has
 * it (as the client listeners): a group commit costs one wake-up, one write and one read of the ack on each side,
 * and epoll's are cheaper than the JDK selector's.
 */
final class Channels {

    private Channels() {
    }

    /** The one-thread event loop group of the replication channel. */
    static EventLoopGroup group(String name) {
        return new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true),
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** The server channel type for a group made by {@link #group}. */
    static Class<? extends ServerChannel> serverChannel() {
        return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The client channel type for a group made by {@link #group}. */
    static Class<? extends SocketChannel> socketChannel() {
        return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * Heartbeats go out after a quarter of the failover timeout without other writes; a peer silent for
     * the whole timeout is gone.
     */
    static void pipeline(SocketChannel ch, long failoverMillis) {
        ch.pipeline()
                .addLast(new IdleStateHandler(failoverMillis, 0, 0, TimeUnit.MILLISECONDS))
                .addLast(new WriterIdle(Math.max(20, failoverMillis / 4)))
                .addLast(new LengthFieldBasedFrameDecoder(ReplicationCodec.MAX_FRAME, 0, ReplicationCodec.PREFIX, 0,
                        ReplicationCodec.PREFIX))
                .addLast(new ReplicationCodec());
    }
}
