package io.ferrymq.ha;

import io.ferrymq.core.stream.StreamReplica;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * The standby's side of stream replication: applies the active's stream operations to this node's copy of the
 * streams (in the directory the broker opens its streams from on promotion) and acknowledges them once forced.
 * Runs on the standby's apply thread; after each operation it queues a flush behind whatever is already queued,
 * so operations that arrive together share one force and one acknowledgement (group commit).
 */
final class StreamCopy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamCopy.class);

    private final String nodeId;
    private final Path dir;
    private final Executor apply;
    private final StreamReplica replica;
    /** The sequence the next flush acknowledges, and on which channel; -1 when nothing waits. */
    private long toAck = -1;
    private Channel ackTo;
    private boolean inSnapshot;

    /** Opens the copy; call on the apply thread. */
    StreamCopy(String nodeId, Path dir, boolean fsync, Executor apply) {
        this(nodeId, dir, fsync, null, apply);
    }

    /** @param key this node's own at-rest key: the copies it writes are encrypted with it (null for none) */
    StreamCopy(String nodeId, Path dir, boolean fsync, io.ferrymq.core.atrest.AtRestKey key, Executor apply) {
        this.nodeId = nodeId;
        this.dir = dir;
        this.apply = apply;
        this.replica = StreamReplica.open(dir, fsync, key);
    }

    /** Applies one operation (apply thread); a failure closes the channel so that the standby resyncs. */
    void apply(Channel from, ReplicationMessage.StreamOp m, long epoch) {
        try {
            StreamOps.Op op = StreamOps.read(m.body());
            if (op instanceof StreamOps.Begin) {
                LOG.info("HA {}: resync: replacing this node's streams in {} with the active's snapshot", nodeId, dir);
                replica.clear();
                inSnapshot = true;
                toAck = -1;
                return;
            }
            if (op instanceof StreamOps.Segment s) {
                replica.writeSegment(s.vhost(), s.stream(), s.shard(), s.baseOffset(), s.position(), s.bytes());
                return;
            }
            if (op instanceof StreamOps.End) {
                replica.reopen();
                inSnapshot = false;
            } else if (op instanceof StreamOps.Change c) {
                replica.apply(c.change());
                if (m.sequence() == 0) {
                    // A definition of the snapshot: acknowledged with its end.
                    return;
                }
            }
            if (inSnapshot) {
                throw new IllegalStateException("a stream change in the middle of a snapshot");
            }
            toAck = m.sequence();
            ackTo = from;
            apply.execute(() -> flush(epoch));
        } catch (IOException | RuntimeException e) {
            LOG.error("HA {}: cannot apply a stream change from the active: {}; reconnecting to resync", nodeId,
                    e.toString());
            toAck = -1;
            from.close();
        }
    }

    private void flush(long epoch) {
        if (toAck < 0) {
            return;
        }
        Channel to = ackTo;
        long sequence = toAck;
        toAck = -1;
        try {
            replica.force();
        } catch (IOException | RuntimeException e) {
            LOG.error("HA {}: the stream copy failed at change {}: {}", nodeId, sequence, e.toString());
            to.close();
            return;
        }
        to.writeAndFlush(new ReplicationMessage.StreamAck(epoch, sequence), to.voidPromise());
    }

    /** Forces what was applied and closes the copy (apply thread): the broker opens the directory next. */
    @Override
    public void close() {
        replica.close();
    }
}
