package io.ferrymq.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Native epoll where the platform has it, NIO elsewhere. */
final class EventLoops {

    private EventLoops() {
    }

    static boolean nativeAvailable() {
        return Epoll.isAvailable();
    }

    static EventLoopGroup group(int threads, String name) {
        IoHandlerFactory factory = nativeAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }

    static Class<? extends ServerChannel> serverChannel() {
        return nativeAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
