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
import io.netty.util.concurrent.EventExecutorChooserFactory;
import io.netty.util.concurrent.ThreadPerTaskExecutor;

/** Native epoll where the platform has it, NIO elsewhere. */
final class EventLoops {

    private EventLoops() {
    }

    static boolean nativeAvailable() {
        return Epoll.isAvailable();
    }

    static EventLoopGroup group(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), ioHandlers());
    }

    /** A group whose loops are handed to new connections by {@code balancer}. */
    static EventLoopGroup group(int threads, String name, EventExecutorChooserFactory balancer) {
        return new MultiThreadIoEventLoopGroup(threads, new ThreadPerTaskExecutor(new DefaultThreadFactory(name, true)),
                balancer, ioHandlers());
    }

    private static IoHandlerFactory ioHandlers() {
        return nativeAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    static Class<? extends ServerChannel> serverChannel() {
        return nativeAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
