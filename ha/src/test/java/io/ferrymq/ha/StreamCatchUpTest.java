package io.ferrymq.ha;

import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.JournalOptions;
import io.ferrymq.core.stream.StreamChange;
import io.ferrymq.core.stream.StreamSnapshot;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stream changes while a standby catches up: once the streams snapshot is sent, the standby may take long to
 * write it; stream writes meanwhile are sent and confirmed on the active's disk alone, and wait for the standby
 * only once it has acknowledged the snapshot and the changes made during it.
 */
class StreamCatchUpTest {

    private static final long EPOCH = 3;

    @TempDir
    Path dir;

    private final EventLoopGroup group = new DefaultEventLoopGroup(2);
    /** What the standby received: it never acknowledges unless the test says so (a slow disk). */
    private final List<ReplicationMessage> received = new CopyOnWriteArrayList<>();
    private final ActiveReplicator active = new ActiveReplicator("node-a", EPOCH, AlonePolicy.SERVE,
            standby -> CompletableFuture.completedFuture(null), () -> { });
    private Journal journal;
    private Channel toStandby;

    @BeforeEach
    void connectAStandby() throws Exception {
        journal = Journal.open(JournalOptions.defaults(dir.resolve("journal")).withSegmentSize(1 << 20));
        journal.recover(new NoRecovery());
        active.attach(journal);
        Path segment = Files.write(dir.resolve("segment"), new byte[64 * 1024]);
        active.attach(atPoint -> {
            atPoint.run();
            return CompletableFuture.completedFuture(new StreamSnapshot(List.of(),
                    List.of(new StreamSnapshot.SegmentFile("/", "orders", 0, 0, segment, 64 * 1024))));
        });
        active.serving();
        LocalAddress address = new LocalAddress("stream-catch-up-" + UUID.randomUUID());
        new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                received.add((ReplicationMessage) msg);
                            }
                        });
                    }
                }).bind(address).sync();
        toStandby = new Bootstrap().group(group).channel(LocalChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
        active.connected(toStandby, new ReplicationMessage.Hello(EPOCH, "node-b"));
        await().atMost(Duration.ofSeconds(30)).until(() -> streamsEndSequence() >= 0);
    }

    @AfterEach
    void close() {
        active.stop();
        journal.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aStreamWriteWhileTheStandbyWritesTheSnapshotIsConfirmedWithoutWaitingForIt() {
        CompletableFuture<Void> write = active.replicate(new StreamChange.Deleted("/", "orders"));

        // The standby has acknowledged nothing of the snapshot: the write is confirmed on this node's disk alone.
        assertThat(write).isCompleted();
        // And sent, so that the standby holds it once it has caught up.
        await().atMost(Duration.ofSeconds(30)).until(() -> lastStreamChange() == 1);
    }

    @Test
    void onceTheStandbyHoldsTheSnapshotAndTheChangesSinceStreamWritesWaitForItsAcknowledgement() {
        assertThat(active.replicate(new StreamChange.Deleted("/", "orders"))).isCompleted();
        await().atMost(Duration.ofSeconds(30)).until(() -> lastStreamChange() == 1);

        active.streamAcked(toStandby, new ReplicationMessage.StreamAck(EPOCH, 1));
        CompletableFuture<Void> write = active.replicate(new StreamChange.Deleted("/", "invoices"));

        assertThat(write).isNotDone();
        active.streamAcked(toStandby, new ReplicationMessage.StreamAck(EPOCH, 2));
        assertThat(write).isCompleted();
    }

    /** The sequence of the streams snapshot's end the standby received, or -1. */
    private long streamsEndSequence() {
        return received.stream().filter(m -> m instanceof ReplicationMessage.StreamOp op
                        && StreamOps.read(op.body()) instanceof StreamOps.End)
                .mapToLong(m -> ((ReplicationMessage.StreamOp) m).sequence()).max().orElse(-1);
    }

    /** The highest sequence of a stream change (not part of the snapshot) the standby received, or 0. */
    private long lastStreamChange() {
        return received.stream().filter(m -> m instanceof ReplicationMessage.StreamOp op
                        && StreamOps.read(op.body()) instanceof StreamOps.Change)
                .mapToLong(m -> ((ReplicationMessage.StreamOp) m).sequence()).max().orElse(0);
    }
}
