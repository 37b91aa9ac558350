package io.ferrymq.ha;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/** The active's replication listener: takes one standby's connection and feeds it to the {@link ActiveReplicator}. */
final class ReplicationServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationServer.class);

    private final EventLoopGroup group;
    private final Channel server;

    ReplicationServer(InetSocketAddress listen, ActiveReplicator replicator, long failoverMillis, EventLoopGroup group) {
        this.group = group;
        ServerBootstrap b = new ServerBootstrap().group(group).channel(Channels.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Channels.pipeline(ch, failoverMillis);
                        ch.pipeline().addLast(new Handler(replicator));
                    }
                });
        InetSocketAddress at = new InetSocketAddress(listen.getHostString(), listen.getPort());
        try {
            this.server = b.bind(at).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the replication listener", e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot listen for the standby on " + at + " (ha.replication): " + e.getMessage(), e);
        }
        LOG.info("HA: replication listener on {}", server.localAddress());
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    private static final class Handler extends SimpleChannelInboundHandler<ReplicationMessage> {

        private final ActiveReplicator replicator;
        private boolean helloSeen;

        Handler(ActiveReplicator replicator) {
            this.replicator = replicator;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ReplicationMessage msg) {
            // The description is built only when it is needed: this runs for every acknowledgement.
            if (msg.epoch() > replicator.epoch()
                    && !replicator.checkEpoch(msg.epoch(), "the standby at " + ctx.channel().remoteAddress())) {
                ctx.close();
                return;
            }
            if (msg instanceof ReplicationMessage.Hello h && !helloSeen) {
                helloSeen = true;
                replicator.connected(ctx.channel(), h);
            } else if (msg instanceof ReplicationMessage.Ack a && helloSeen) {
                replicator.acked(ctx.channel(), a);
            } else if (msg instanceof ReplicationMessage.StreamAck a && helloSeen) {
                replicator.streamAcked(ctx.channel(), a);
            } else if (msg instanceof ReplicationMessage.PageAck a && helloSeen) {
                replicator.pageAcked(ctx.channel(), a);
            } else if (!(msg instanceof ReplicationMessage.Heartbeat)) {
                LOG.warn("HA: closing the replication connection from {}: unexpected {}", ctx.channel().remoteAddress(),
                        msg.getClass().getSimpleName());
                ctx.close();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent e && e.state() == io.netty.handler.timeout.IdleState.READER_IDLE) {
                replicator.disconnected(ctx.channel(), "silent for the failover timeout");
                ctx.close();
            } else if (evt instanceof IdleStateEvent e && e.state() == io.netty.handler.timeout.IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(new ReplicationMessage.Heartbeat(replicator.epoch()), ctx.voidPromise());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            replicator.disconnected(ctx.channel(), "connection closed");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("HA: replication connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
