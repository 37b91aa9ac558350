package io.ferrymq.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.util.List;

/** Turns WebSocket data frames into the byte stream protocol decoders expect, and back. */
final class WebSocketFrames {

    private WebSocketFrames() {
    }

    /** Inbound: the payload of each text, binary or continuation frame, in order. */
    static final class Unwrap extends MessageToMessageDecoder<WebSocketFrame> {
        @Override
        protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
                    || frame instanceof ContinuationWebSocketFrame) {
                out.add(frame.content().retain());
            }
        }
    }

    /** Outbound: each buffer a protocol writes becomes one frame. */
    static final class Wrap extends MessageToMessageEncoder<ByteBuf> {
        private final boolean text;

        Wrap(boolean text) {
            this.text = text;
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
            out.add(text ? new TextWebSocketFrame(msg.retain()) : new BinaryWebSocketFrame(msg.retain()));
        }
    }
}
