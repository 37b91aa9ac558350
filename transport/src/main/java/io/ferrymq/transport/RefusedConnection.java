package io.ferrymq.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A connection turned away over its source's limit. HTTP clients get a 503 and the broker stops sending but
 * keeps reading (and discarding) until the client closes or {@code linger} passes: closing at once with the
 * client's request unread would reset the connection and lose the 503 on its way (a "lingering close").
 * Other protocols are closed at once.
 */
final class RefusedConnection extends ChannelInboundHandlerAdapter {

    private final byte[] response;
    private final Duration linger;

    /** @param response what to send before closing, or null to close straight away */
    RefusedConnection(byte[] response, Duration linger) {
        this.response = response;
        this.linger = linger;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (response == null) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(response)).addListener(f -> {
            if (ctx.channel() instanceof DuplexChannel duplex && f.isSuccess()) {
                duplex.shutdownOutput();
                ctx.executor().schedule(() -> ctx.close(), linger.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }
}
