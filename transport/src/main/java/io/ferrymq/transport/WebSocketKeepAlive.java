package io.ferrymq.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The idle timeout of an upgraded WebSocket connection: after half of it without a frame from the client the
 * broker sends a ping, which every WebSocket client answers by itself; a connection still silent at the full
 * timeout is gone and is closed. Its idle events stay here, so a protocol's own keep-alive handling (MQTT) does
 * not mistake them for its own.
 */
final class WebSocketKeepAlive extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketKeepAlive.class);
    static final String IDLE = "ws-idle";
    static final String KEEP_ALIVE = "ws-keep-alive";

    private final ConnectionContext context;
    private final Duration timeout;

    private WebSocketKeepAlive(ConnectionContext context, Duration timeout) {
        this.context = context;
        this.timeout = timeout;
    }

    /** Adds the idle detector and this handler in front of {@code before} (where frames are already decoded). */
    static void install(ChannelHandlerContext before, ConnectionContext context, Duration timeout) {
        if (timeout.isZero()) {
            return;
        }
        long half = Math.max(1, timeout.toMillis() / 2);
        before.pipeline().addBefore(before.name(), IDLE, new IdleStateHandler(half, 0, 0, TimeUnit.MILLISECONDS));
        before.pipeline().addBefore(before.name(), KEEP_ALIVE, new WebSocketKeepAlive(context, timeout));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (!(evt instanceof IdleStateEvent idle)) {
            super.userEventTriggered(ctx, evt);
            return;
        }
        if (idle.isFirst()) {
            ctx.writeAndFlush(new PingWebSocketFrame());
            return;
        }
        LOG.info("Closing WebSocket from {} on listener '{}': nothing received for {} ms, not even a pong",
                ctx.channel().remoteAddress(), context.listener(), timeout.toMillis());
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "idle timeout"))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
