package io.ferrymq.ha;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Heartbeats on the replication channel: an idle event after each whole period in which nothing was written. */
class WriterIdleTest {

    private final List<Object> events = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new WriterIdle(100), new ChannelInboundHandlerAdapter() {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    });

    @Test
    void aPeriodWithoutWritesFiresWriterIdle() {
        channel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(events).containsExactly(IdleStateEvent.WRITER_IDLE_STATE_EVENT);
    }

    @Test
    void aWriteInThePeriodPutsTheHeartbeatOffUntilAWholePeriodPassesWithoutOne() {
        channel.writeOutbound("entries");
        channel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(events).isEmpty();

        channel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(events).containsExactly(IdleStateEvent.WRITER_IDLE_STATE_EVENT);
    }

    @Test
    void aClosedChannelFiresNothing() {
        channel.close();
        channel.advanceTimeBy(500, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(events).isEmpty();
    }
}
