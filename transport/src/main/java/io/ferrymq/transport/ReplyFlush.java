package io.ferrymq.transport;

import io.netty.channel.ChannelHandlerContext;

/**
 * Flushes a connection's replies (receipts, acknowledgements, dispositions) once per batch instead of once per
 * reply. The handler writes a reply without flushing and calls {@link #request()}; the replies then go out at
 * the end of the read batch they were written in ({@link #readComplete}) or, for replies written by completions
 * (a send stored, a settlement done), after the event loop's current batch of tasks, so completions that arrive
 * together share one flush. Confined to the channel's event loop.
 */
public final class ReplyFlush {

    private final ChannelHandlerContext ctx;
    private final Runnable flushTask = this::runScheduled;
    private boolean pending;
    private boolean scheduled;

    public ReplyFlush(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** A reply was written without a flush: it goes out at the end of this read batch or batch of tasks. */
    public void request() {
        pending = true;
        if (!scheduled) {
            // Queued behind the tasks already waiting; a reply written while reading is flushed by readComplete
            // first, and this then finds nothing to do.
            scheduled = true;
            ctx.executor().execute(flushTask);
        }
    }

    /** From {@code channelReadComplete}: flushes what the read batch wrote. */
    public void readComplete() {
        flushPending();
    }

    /** Flushes what is pending now (the end of a batch of deliveries, which should not wait for the task batch). */
    public void flushNow() {
        flushPending();
    }

    /** The handler flushed for another reason (a batch of deliveries): the replies went with it. */
    public void flushed() {
        pending = false;
    }

    private void runScheduled() {
        scheduled = false;
        flushPending();
    }

    private void flushPending() {
        if (pending) {
            pending = false;
            ctx.flush();
        }
    }
}
