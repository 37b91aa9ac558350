package io.ferrymq.transport.testing;

import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.ProtocolModule;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the flushes a protocol's connection handler asks for and the read batches it sees, from a place in its
 * pipeline (so the count is the handler's, not what the socket coalesced). For tests of how replies are batched:
 * register the module {@link #around} returns with the {@link EmbeddedBrokerExtension}.
 */
@ChannelHandler.Sharable
public final class FlushCounter extends ChannelDuplexHandler {

    private final AtomicInteger flushes = new AtomicInteger();
    private final AtomicInteger readBatches = new AtomicInteger();

    public int flushes() {
        return flushes.get();
    }

    public int readBatches() {
        return readBatches.get();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        flushes.incrementAndGet();
        ctx.flush();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readBatches.incrementAndGet();
        ctx.fireChannelReadComplete();
    }

    /** {@code module}, with this counter put in each connection's pipeline before the handler named {@code before}. */
    public ProtocolModule around(ProtocolModule module, String before) {
        FlushCounter counter = this;
        return new ProtocolModule() {
            @Override
            public String name() {
                return module.name();
            }

            @Override
            public Detection detect(ByteBuf firstBytes) {
                return module.detect(firstBytes);
            }

            @Override
            public Set<String> websocketSubprotocols() {
                return module.websocketSubprotocols();
            }

            @Override
            public boolean websocketTextFrames() {
                return module.websocketTextFrames();
            }

            @Override
            public void initChannel(Channel channel, ConnectionContext context) {
                module.initChannel(channel, context);
                channel.pipeline().addBefore(before, "flush-counter", counter);
            }
        };
    }
}
