package io.ferrymq.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class HandshakeDeadlineTest {

    /** A connection handler that gives its handshake 1 s and closes when it runs out. */
    private static final class Awaiting extends ChannelInboundHandlerAdapter {
        final AtomicInteger expiries = new AtomicInteger();
        HandshakeDeadline deadline;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            deadline = HandshakeDeadline.start(ctx, 1000, () -> {
                expiries.incrementAndGet();
                ctx.close();
            });
        }
    }

    private static EmbeddedChannel channel(Awaiting handler) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime(); // only advanceTimeBy moves the channel's clock
        ch.pipeline().addLast(handler);
        return ch;
    }

    @Test
    void aHandshakeNotDoneInTimeRunsTheExpiryActionOnceAndItClosesTheConnection() {
        Awaiting handler = new Awaiting();
        EmbeddedChannel ch = channel(handler);

        ch.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isTrue();
        assertThat(handler.deadline.pending()).isTrue();

        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isFalse();
        assertThat(handler.expiries).hasValue(1);
        assertThat(handler.deadline.pending()).isFalse();
        assertThat(handler.deadline.millis()).isEqualTo(1000);
    }

    @Test
    void aHandshakeDoneInTimeCancelsTheDeadline() {
        Awaiting handler = new Awaiting();
        EmbeddedChannel ch = channel(handler);
        ch.advanceTimeBy(500, TimeUnit.MILLISECONDS);

        handler.deadline.cancel();
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();

        assertThat(ch.isActive()).isTrue();
        assertThat(handler.expiries).hasValue(0);
        assertThat(handler.deadline.pending()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void aConnectionAlreadyClosedDoesNotRunTheExpiryAction() {
        Awaiting handler = new Awaiting();
        EmbeddedChannel ch = channel(handler);
        ch.close();

        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();

        assertThat(handler.expiries).hasValue(0);
    }
}
