package io.ferrymq.ha;

import io.ferrymq.core.stream.SegmentFileReader;
import io.ferrymq.core.stream.StreamChange;
import io.ferrymq.core.stream.StreamInfo;
import io.ferrymq.core.stream.StreamSnapshot;
import io.netty.channel.Channel;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a snapshot of the streams to a standby: a begin, every stream's definition, then every segment file in
 * pieces of whole plain records of about {@value #CHUNK} bytes (sealed bytes never leave this node: the standby
 * lays the records out with its own key, or none). It runs on a thread of its own and waits for each piece to
 * be written to the socket before it reads the next, so a large stream never sits in memory whole. The end of the snapshot is
 * sent by the {@link ActiveReplicator}, together with the changes made since.
 */
final class StreamResync {

    static final int CHUNK = 1024 * 1024;

    private StreamResync() {
    }

    /** Completes with the number of segment files sent; fails if the channel closes or a file cannot be read. */
    static CompletableFuture<Long> send(Channel channel, long epoch, StreamSnapshot snapshot) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                write(channel, new ReplicationMessage.StreamOp(epoch, 0, StreamOps.begin()));
                for (StreamInfo info : snapshot.streams()) {
                    write(channel, new ReplicationMessage.StreamOp(epoch, 0,
                            StreamOps.change(new StreamChange.Defined(info))));
                }
                for (StreamSnapshot.SegmentFile f : snapshot.segments()) {
                    copy(channel, epoch, snapshot, f);
                }
                done.complete((long) snapshot.segments().size());
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        }, "ferrymq-ha-stream-resync");
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** Sends one segment file as plain records (opened with this node's key): the standby seals them with its own. */
    private static void copy(Channel channel, long epoch, StreamSnapshot snapshot, StreamSnapshot.SegmentFile f)
            throws Exception {
        try (SegmentFileReader in = snapshot.reader(f)) {
            SegmentFileReader.Chunk c;
            while ((c = in.next(CHUNK)) != null) {
                write(channel, new ReplicationMessage.StreamOp(epoch, 0, StreamOps.segment(f.vhost(), f.stream(),
                        f.shard(), f.baseOffset(), c.position(), c.records())));
            }
        }
    }

    private static void write(Channel channel, ReplicationMessage m) throws Exception {
        var f = channel.writeAndFlush(m).await();
        if (!f.isSuccess()) {
            throw new IOException("the standby's channel closed during the streams resync: " + f.cause());
        }
    }
}
