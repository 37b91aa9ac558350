package io.ferrymq.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Port unification: looks at the first bytes of a connection, hands the channel to the protocol they
 * belong to and removes itself (the bytes it looked at flow on to that protocol's decoder). A header
 * for a version no module serves goes to the module of that protocol, which answers with the version it
 * serves. A connection that says nothing recognisable is closed with a log line.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolSniffer.class);
    static final int MAX_SNIFF_BYTES = 64;
    private static final long SNIFF_TIMEOUT_SECONDS = 30;

    private final List<ProtocolModule> candidates;
    private final ConnectionContext context;
    private ScheduledFuture<?> timeout;

    ProtocolSniffer(List<ProtocolModule> candidates, ConnectionContext context) {
        this.candidates = candidates;
        this.context = context;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> {
            LOG.info("Closing connection from {} on listener '{}': no protocol header within {} s",
                    ctx.channel().remoteAddress(), context.listener(), SNIFF_TIMEOUT_SECONDS);
            ctx.close();
        }, SNIFF_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        boolean undecided = false;
        ProtocolModule otherVersion = null;
        for (ProtocolModule p : candidates) {
            ProtocolModule.Detection d = p.detect(in.slice());
            if (d == ProtocolModule.Detection.MATCH) {
                handOver(ctx, p);
                return;
            }
            if (d == ProtocolModule.Detection.NEED_MORE) {
                undecided = true;
            } else if (d == ProtocolModule.Detection.OTHER_VERSION && otherVersion == null) {
                otherVersion = p;
            }
        }
        if (otherVersion != null && (!undecided || in.readableBytes() >= MAX_SNIFF_BYTES)) {
            handOver(ctx, otherVersion);
            return;
        }
        if (!undecided || in.readableBytes() >= MAX_SNIFF_BYTES) {
            LOG.info("Closing connection from {} on listener '{}': its first bytes match none of {}",
                    ctx.channel().remoteAddress(), context.listener(),
                    candidates.stream().map(ProtocolModule::name).toList());
            in.skipBytes(in.readableBytes());
            ctx.close();
        }
    }

    private void handOver(ChannelHandlerContext ctx, ProtocolModule p) {
        p.initChannel(ctx.channel(), context);
        ctx.pipeline().remove(this);
    }
}
