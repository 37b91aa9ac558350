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
 * an {@code http://} endpoint; anything else is HTTP/1.1. Then installs that pipeline and steps aside.
 */
public final class HttpVersionSelector extends ByteToMessageDecoder {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final Consumer<ChannelHandlerContext> http1;
    private final Consumer<ChannelHandlerContext> http2;

    /** The consumers add their handlers after the selector's context (which is removed afterwards). */
    public HttpVersionSelector(Consumer<ChannelHandlerContext> http1, Consumer<ChannelHandlerContext> http2) {
        this.http1 = http1;
        this.http2 = http2;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int length = PREFACE.readableBytes();
        int n = Math.min(in.readableBytes(), length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE.getByte(PREFACE.readerIndex() + i)) {
                http1.accept(ctx);
                ctx.pipeline().remove(this);
                return;
            }
        }
        if (n == length) {
            http2.accept(ctx);
            ctx.pipeline().remove(this);
        }
    }
}
