package io.ferrymq.transport;

import io.netty.channel.ChannelHandlerContext;

/**
 * Flushes a connection's replies (receipts, acknowledgements, dispositions) once per batch instead of once per
 * reply: a reply written while the connection reads goes out with the read batch ({@link #readComplete}), one
 * written by a completion (a send stored, a settlement done) goes out after the event loop's current batch of
 * tasks, so completions that arrive together share one flush. The handler writes without flushing and calls
 * {@link #request()}. Confined to the channel's event loop.
 */
public final class ReplyFlush {

    private final ChannelHandlerContext ctx;
    private final Runnable flushTask = this::runScheduled;
    private boolean reading;
    private boolean pending;
    private boolean scheduled;

    public ReplyFlush(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** From {@code channelRead}: replies from here on wait for {@link #readComplete}. */
    public void reading() {
        reading = true;
    }

    /** From {@code channelReadComplete}: flushes what the read batch wrote. */
    public void readComplete() {
        reading = false;
        if (pending) {
            pending = false;
            ctx.flush();
        }
    }

    /** A reply was written without a flush: it goes out at the end of this read batch or batch of tasks. */
    public void request() {
        pending = true;
        if (!reading && !scheduled) {
            scheduled = true;
            ctx.executor().execute(flushTask);
        }
    }

    /** The handler flushed for another reason (a batch of deliveries): the replies went with it. */
    public void flushed() {
        pending = false;
    }

    private void runScheduled() {
        scheduled = false;
        if (pending && !reading) {
            pending = false;
            ctx.flush();
        }
    }
}
