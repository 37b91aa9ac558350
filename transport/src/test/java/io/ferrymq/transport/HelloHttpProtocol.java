package io.ferrymq.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/** A toy HTTP protocol for transport tests, set up the way the AWS APIs are: it installs its own HTTP codec. */
final class HelloHttpProtocol implements ProtocolModule {

    @Override
    public String name() {
        return "hello";
    }

    @Override
    public Detection detect(ByteBuf in) {
        return in.readableBytes() < 4 ? Detection.NEED_MORE
                : in.toString(in.readerIndex(), 4, StandardCharsets.US_ASCII).equals("GET ") ? Detection.MATCH
                : Detection.NO_MATCH;
    }

    @Override
    public Set<String> websocketSubprotocols() {
        return Set.of();
    }

    @Override
    public void initChannel(Channel channel, ConnectionContext context) {
        channel.pipeline().addLast("hello-codec", new HttpServerCodec());
        channel.pipeline().addLast(new HttpObjectAggregator(64 * 1024));
        channel.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("hello " + req.uri(), StandardCharsets.UTF_8));
                res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
                ctx.writeAndFlush(res);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // as the AWS handler does: a client's broken request ends its connection
            }
        });
    }
}
