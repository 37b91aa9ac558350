package io.ferrymq.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * After a WebSocket handshake, picks the protocol: by the negotiated subprotocol, else by the last path
 * segment ({@code /mqtt}, {@code /stomp}), else the listener's only protocol.
 */
final class WebSocketProtocolSelector extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketProtocolSelector.class);

    private final List<ProtocolModule> protocols;
    private final ConnectionContext context;
    private final int maxFrameBytes;
    private final Duration idleTimeout;

    WebSocketProtocolSelector(List<ProtocolModule> protocols, ConnectionContext context, int maxFrameBytes,
                              Duration idleTimeout) {
        this.protocols = protocols;
        this.context = context;
        this.maxFrameBytes = maxFrameBytes;
        this.idleTimeout = idleTimeout;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hs) {
            HttpDeadlines.detach(ctx.pipeline());
            ProtocolModule p = choose(hs.selectedSubprotocol(), hs.requestUri());
            if (p == null) {
                LOG.info("Closing WebSocket from {} on listener '{}': no protocol for subprotocol '{}' and path '{}'",
                        ctx.channel().remoteAddress(), context.listener(), hs.selectedSubprotocol(), hs.requestUri());
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR,
                        "no protocol: ask for one of the subprotocols " + subprotocols()))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            // In front of the WebSocket handler, which would close the connection on a framing error before
            // the protocol could say why; and behind the aggregator, for messages over the size limit.
            ChannelHandlerContext websocket = ctx.pipeline().context(WebSocketServerProtocolHandler.class);
            ctx.pipeline().addBefore(websocket.name(), "ws-faults", new WebSocketFaults(context));
            WebSocketKeepAlive.install(websocket, context, idleTimeout);
            ctx.pipeline().addLast(new WebSocketFrameAggregator(maxFrameBytes));
            ctx.pipeline().addLast(new WebSocketFaults(context));
            ctx.pipeline().addLast(new WebSocketFrames.Unwrap());
            ctx.pipeline().addLast(new WebSocketFrames.Wrap(p.websocketTextFrames()));
            p.initChannel(ctx.channel(), context);
            ctx.pipeline().remove(this);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /**
     * Until the upgrade completes the connection speaks HTTP, and a failure there is the client's (a request
     * abandoned half-way, a malformed upgrade): one line, no stack trace.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("Closing connection from {} on WebSocket listener '{}' before its upgrade: {}",
                ctx.channel().remoteAddress(), context.listener(), cause.toString());
        ctx.close();
    }

    private ProtocolModule choose(String subprotocol, String uri) {
        if (subprotocol != null) {
            for (ProtocolModule p : protocols) {
                if (p.websocketSubprotocols().contains(subprotocol)) {
                    return p;
                }
            }
        }
        String path = uri == null ? "" : uri.replaceFirst("\\?.*$", "");
        String last = path.substring(path.lastIndexOf('/') + 1);
        for (ProtocolModule p : protocols) {
            if (p.name().equalsIgnoreCase(last)) {
                return p;
            }
        }
        return protocols.size() == 1 ? protocols.get(0) : null;
    }

    List<String> subprotocols() {
        return protocols.stream().flatMap(p -> p.websocketSubprotocols().stream()).sorted().toList();
    }
}
