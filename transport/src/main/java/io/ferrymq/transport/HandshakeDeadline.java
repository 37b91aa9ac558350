package io.ferrymq.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The time a new connection has to finish its protocol's handshake (a STOMP or MQTT CONNECT, an AMQP open).
 * It starts when the connection handler is added; the handler cancels it once the handshake is done, and on
 * {@code channelInactive}. When it runs out on a connection that is still open, the handler's expiry action
 * runs on the event loop: the action decides, from the handler's own state, whether the handshake is still
 * pending and how to say goodbye in the protocol's terms.
 */
public final class HandshakeDeadline {

    private final ChannelHandlerContext ctx;
    private final long millis;
    private ScheduledFuture<?> timer;

    private HandshakeDeadline(ChannelHandlerContext ctx, long millis) {
        this.ctx = ctx;
        this.millis = millis;
    }

    /** Starts the deadline on the connection's event loop; {@code onExpiry} runs there if it is not cancelled first. */
    public static HandshakeDeadline start(ChannelHandlerContext ctx, long millis, Runnable onExpiry) {
        HandshakeDeadline d = new HandshakeDeadline(ctx, millis);
        d.timer = ctx.executor().schedule(() -> {
            d.timer = null;
            if (ctx.channel().isActive()) {
                onExpiry.run();
            }
        }, millis, TimeUnit.MILLISECONDS);
        return d;
    }

    /** The handshake is done, or the connection closed: the expiry action will not run. */
    public void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Whether the deadline is still running (neither cancelled nor expired). */
    public boolean pending() {
        return timer != null;
    }

    /** How long the handshake may take, for log lines and error texts. */
    public long millis() {
        return millis;
    }
}
