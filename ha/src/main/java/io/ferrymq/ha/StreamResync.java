package io.ferrymq.ha;

import io.ferrymq.core.stream.StreamChange;
import io.ferrymq.core.stream.StreamInfo;
import io.ferrymq.core.stream.StreamSnapshot;
import io.netty.channel.Channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a snapshot of the streams to a standby: a begin, every stream's definition, then every segment file in
 * pieces of {@value #CHUNK} bytes. It runs on a thread of its own and waits for each piece to be written to the
 * socket before it reads the next, so a large stream never sits in memory whole. The end of the snapshot is
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
                    copy(channel, epoch, f);
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

    private static void copy(Channel channel, long epoch, StreamSnapshot.SegmentFile f) throws Exception {
        try (FileChannel in = FileChannel.open(f.file(), StandardOpenOption.READ)) {
            long position = 0;
            do {
                int n = (int) Math.min(CHUNK, f.length() - position);
                ByteBuffer b = ByteBuffer.allocate(n);
                while (b.hasRemaining()) {
                    if (in.read(b, position + b.position()) < 0) {
                        throw new IOException("segment file " + f.file() + " is shorter than its " + f.length()
                                + " durable bytes");
                    }
                }
                write(channel, new ReplicationMessage.StreamOp(epoch, 0, StreamOps.segment(f.vhost(), f.stream(),
                        f.shard(), f.baseOffset(), position, b.array())));
                position += n;
            } while (position < f.length());
        }
    }

    private static void write(Channel channel, ReplicationMessage m) throws Exception {
        var f = channel.writeAndFlush(m).await();
        if (!f.isSuccess()) {
            throw new IOException("the standby's channel closed during the streams resync: " + f.cause());
        }
    }
}
