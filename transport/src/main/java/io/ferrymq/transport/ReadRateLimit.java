package io.ferrymq.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Limits what one connection may send per second ({@code limits.publish-bytes-per-second}) by not reading from
 * it while it is over: TCP flow control then slows the client down and nothing it sent is dropped. A token
 * bucket of one second's worth: a client below the rate is never held; one above it is read at the rate on
 * average. What was read past the allowance waits here until its time, so the protocol sees it at the rate too.
 * Confined to the event loop.
 */
final class ReadRateLimit extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ReadRateLimit.class);

    private final long bytesPerSecond;
    private final String listener;
    private ReadThrottle throttle;
    /** Bytes the connection may still send now; negative while it owes. */
    private double allowance;
    private long lastNanos;
    private boolean reported;
    private final java.util.ArrayDeque<Object> pending = new java.util.ArrayDeque<>();

    ReadRateLimit(long bytesPerSecond, String listener) {
        this.bytesPerSecond = bytesPerSecond;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        throttle = new ReadThrottle(ctx.channel());
        allowance = bytesPerSecond;
        lastNanos = System.nanoTime();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        int bytes = msg instanceof ByteBuf b ? b.readableBytes()
                : msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
        refill();
        allowance -= bytes;
        if (!pending.isEmpty()) {
            // Read while the hold took effect: it waits its turn behind what is already waiting.
            pending.add(msg);
            return;
        }
        if (allowance >= 0) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!reported) {
            // Once per connection: a client that keeps sending too fast would otherwise log every second.
            reported = true;
            LOG.info("Connection from {} on listener '{}' sends more than {} bytes/s"
                    + " (limits.publish-bytes-per-second): reading from it is slowed to that rate",
                    ctx.channel().remoteAddress(), listener, bytesPerSecond);
        }
        pending.add(msg);
        throttle.hold(ReadThrottle.Reason.RATE);
        scheduleRelease(ctx);
    }

    private void scheduleRelease(ChannelHandlerContext ctx) {
        long waitNanos = (long) (-allowance * 1_000_000_000d / bytesPerSecond);
        ctx.executor().schedule(() -> {
            refill();
            if (allowance < 0 && ctx.channel().isActive()) {
                // What was read while the hold took effect is owed too.
                scheduleRelease(ctx);
                return;
            }
            passOn(ctx);
            throttle.release(ReadThrottle.Reason.RATE);
        }, Math.max(1, waitNanos), TimeUnit.NANOSECONDS);
    }

    private void passOn(ChannelHandlerContext ctx) {
        if (pending.isEmpty()) {
            return;
        }
        for (Object m = pending.poll(); m != null; m = pending.poll()) {
            ctx.fireChannelRead(m);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // The client's last bytes still reach the protocol, before it learns that the connection is gone.
        passOn(ctx);
        ctx.fireChannelInactive();
    }

    private void refill() {
        long now = System.nanoTime();
        allowance = Math.min(bytesPerSecond, allowance + (now - lastNanos) * (bytesPerSecond / 1_000_000_000d));
        lastNanos = now;
    }
}
