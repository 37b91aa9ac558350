package io.ferrymq.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ReadThrottleTest {

    /** Counts the reads the channel asks of its socket (one each time auto-read is turned back on). */
    private static final class Reads extends ChannelOutboundHandlerAdapter {
        final AtomicInteger count = new AtomicInteger();

        @Override
        public void read(ChannelHandlerContext ctx) {
            count.incrementAndGet();
            ctx.read();
        }
    }

    @Test
    void theConnectionReadsOnlyWhileNoReasonIsHeld() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ReadThrottle throttle = new ReadThrottle(ch);

        throttle.hold(ReadThrottle.Reason.HANDSHAKE);
        throttle.hold(ReadThrottle.Reason.BACKLOG);
        assertThat(ch.config().isAutoRead()).isFalse();

        throttle.release(ReadThrottle.Reason.HANDSHAKE);
        assertThat(ch.config().isAutoRead()).as("the backlog still stops reading").isFalse();
        assertThat(throttle.holds(ReadThrottle.Reason.BACKLOG)).isTrue();

        throttle.set(ReadThrottle.Reason.BACKLOG, false);
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(throttle.reading()).isTrue();
    }

    @Test
    void reasonsMarkedTogetherLetNoReadThroughBetweenThem() {
        Reads reads = new Reads();
        EmbeddedChannel ch = new EmbeddedChannel(reads);
        ReadThrottle throttle = new ReadThrottle(ch);
        throttle.hold(ReadThrottle.Reason.BACKLOG);
        int before = reads.count.get();

        throttle.mark(ReadThrottle.Reason.BACKLOG, false).mark(ReadThrottle.Reason.CLOSING, true).apply();

        assertThat(ch.config().isAutoRead()).isFalse();
        assertThat(reads.count).hasValue(before);
    }

    @Test
    void theConnectionStopsReadingWhileItsSocketIsNotWritableAndResumesWhenItIs() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ReadThrottle throttle = new ReadThrottle(ch);
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                throttle.writabilityChanged();
                ctx.fireChannelWritabilityChanged();
            }
        });
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));

        ch.write(Unpooled.wrappedBuffer(new byte[64]));
        assertThat(ch.isWritable()).isFalse();
        assertThat(ch.config().isAutoRead()).isFalse();
        assertThat(throttle.holds(ReadThrottle.Reason.UNWRITABLE)).isTrue();

        ch.flush();
        assertThat(ch.isWritable()).isTrue();
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void aHoldUntilAFutureIsReleasedWhenTheFutureCompletesEitherWay() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ReadThrottle throttle = new ReadThrottle(ch);
        CompletableFuture<Void> memory = new CompletableFuture<>();

        throttle.holdUntil(ReadThrottle.Reason.MEMORY, memory);
        assertThat(ch.config().isAutoRead()).isFalse();

        memory.completeExceptionally(new IllegalStateException("session closed"));
        ch.runPendingTasks();
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    @Test
    void releasingEverythingReadsAgain() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ReadThrottle throttle = new ReadThrottle(ch);
        throttle.hold(ReadThrottle.Reason.HANDSHAKE);
        throttle.hold(ReadThrottle.Reason.MEMORY);

        throttle.releaseAll();

        assertThat(ch.config().isAutoRead()).isTrue();
    }
}
