package io.ferrymq.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Ends a WebSocket connection whose client broke the framing rules (a malformed frame, an invalid close code,
 * text that is not UTF-8, a message over the size limit, any other input a decoder refuses): one log line, a {@link TransportFault} event so the
 * protocol can send its own error first, then a close frame with the matching RFC 6455 status (1002, 1007,
 * 1009). Netty's decoder would otherwise send its close frame before the protocol's error and hand the
 * exception on to the protocol as if the broker had failed.
 */
final class WebSocketFaults extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFaults.class);
    /** Shared by the instances in front of and behind the frame aggregator, so a connection is ended once. */
    private static final AttributeKey<Boolean> ENDING = AttributeKey.valueOf(WebSocketFaults.class, "ending");
    /** RFC 6455 section 5.5: a control frame's payload is at most 125 bytes, two of them the status code. */
    private static final int MAX_REASON_BYTES = 123;

    private final ConnectionContext context;

    WebSocketFaults(ConnectionContext context) {
        this.context = context;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        WebSocketCloseStatus status;
        if (cause instanceof CorruptedWebSocketFrameException c) {
            status = c.closeStatus() == null ? WebSocketCloseStatus.PROTOCOL_ERROR : c.closeStatus();
        } else if (cause instanceof TooLongFrameException) {
            status = WebSocketCloseStatus.MESSAGE_TOO_BIG;
        } else if (cause instanceof PrematureChannelClosureException) {
            // The client went away half-way through an HTTP message that was still being put together: nothing
            // is wrong with the broker, and there is nobody left to tell.
            LOG.debug("WebSocket client {} on listener '{}' left mid-message: {}", ctx.channel().remoteAddress(),
                    context.listener(), cause.getMessage());
            return;
        } else if (cause instanceof DecoderException) {
            status = WebSocketCloseStatus.PROTOCOL_ERROR;
        } else {
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (ctx.channel().attr(ENDING).setIfAbsent(Boolean.TRUE) != null) {
            return;
        }
        String reason = cause.getMessage() == null ? status.reasonText() : cause.getMessage();
        LOG.info("Closing WebSocket from {} on listener '{}' with {} {}: {}", ctx.channel().remoteAddress(),
                context.listener(), status.code(), status.reasonText(), reason);
        ctx.pipeline().fireUserEventTriggered(new TransportFault(reason));
        // Written from the pipeline's end, so the WebSocket handler notes the close frame and sends no second one
        // when the protocol closes the channel after its error.
        ctx.channel().writeAndFlush(new CloseWebSocketFrame(status.code(), truncate(reason)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private static String truncate(String reason) {
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_REASON_BYTES) {
            return reason;
        }
        int end = MAX_REASON_BYTES;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--; // do not cut a character in two
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }
}
