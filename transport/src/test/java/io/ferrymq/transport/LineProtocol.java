package io.ferrymq.transport;

import io.ferrymq.transport.tls.TlsIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A toy protocol for transport tests: recognised by a fixed greeting, it answers each line with the
 * protocol's name and the line, so a test can tell which protocol a connection landed on.
 */
final class LineProtocol implements ProtocolModule {

    private final String name;
    private final byte[] greeting;

    LineProtocol(String name, String greeting) {
        this.name = name;
        this.greeting = greeting.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Detection detect(ByteBuf in) {
        int n = Math.min(in.readableBytes(), greeting.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != greeting[i]) {
                return Detection.NO_MATCH;
            }
        }
        return in.readableBytes() >= greeting.length ? Detection.MATCH : Detection.NEED_MORE;
    }

    @Override
    public Set<String> websocketSubprotocols() {
        return Set.of(name + ".v1");
    }

    @Override
    public void initChannel(Channel channel, ConnectionContext context) {
        channel.pipeline().addLast(new LineBasedFrameDecoder(1024));
        channel.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
                String text = line.toString(StandardCharsets.UTF_8);
                if (text.equals("WHO")) {
                    // Who the client certificate says the client is (mutual TLS tests).
                    text = "user=" + TlsIdentity.certificateUser(ctx.channel()).orElse("-");
                }
                ctx.writeAndFlush(Unpooled.copiedBuffer(name + "[" + context.protocolLabel() + "]:" + text + "\n",
                        StandardCharsets.UTF_8));
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt == ShutdownNotice.INSTANCE) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer(name + ":bye\n", StandardCharsets.UTF_8))
                            .addListener(f -> ctx.close());
                }
            }
        });
    }
}
