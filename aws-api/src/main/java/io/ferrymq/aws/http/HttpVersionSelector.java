package io.ferrymq.aws.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;

import java.util.List;
import java.util.function.Consumer;

/**
 * Chooses HTTP/1.1 or HTTP/2 for a new connection of the AWS endpoint by its first bytes: the HTTP/2 client
 * preface ({@code PRI * HTTP/2.0...}) means HTTP/2 with prior knowledge, as the AWS SDK's Netty client opens
 * an {@code http://} endpoint; anything else is HTTP/1.1. It sits in front of the HTTP/1.1 handlers (which are
 * in place from the start, so that the transport's request deadlines wrap the codec); for HTTP/2 it replaces
 * everything behind it with the HTTP/2 handlers. Then it steps aside.
 */
public final class HttpVersionSelector extends ByteToMessageDecoder {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final List<String> http1Handlers;
    private final Consumer<ChannelHandlerContext> http2;

    /**
     * @param http1Handlers the names of the HTTP/1.1 handlers to remove for HTTP/2 (those that are there)
     * @param http2         adds its handlers after the selector's context (which is removed afterwards)
     */
    public HttpVersionSelector(List<String> http1Handlers, Consumer<ChannelHandlerContext> http2) {
        this.http1Handlers = List.copyOf(http1Handlers);
        this.http2 = http2;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int length = PREFACE.readableBytes();
        int n = Math.min(in.readableBytes(), length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE.getByte(PREFACE.readerIndex() + i)) {
                ctx.pipeline().remove(this);
                return;
            }
        }
        if (n == length) {
            for (String name : http1Handlers) {
                if (ctx.pipeline().get(name) != null) {
                    ctx.pipeline().remove(name);
                }
            }
            http2.accept(ctx);
            ctx.pipeline().remove(this);
        }
    }
}
