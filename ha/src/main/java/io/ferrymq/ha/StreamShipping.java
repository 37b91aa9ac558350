package io.ferrymq.ha;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.stream.StreamChange;
import io.ferrymq.core.stream.StreamSnapshots;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The active's shipping of stream changes (Kinesis, AMQP 0-9-1 stream queues, Firehose's buffers) to its standby,
 * beside the journal's entries and numbered in a sequence of their own (streams keep their own logs). A standby
 * that connects gets a snapshot of the streams ({@link StreamResync}), then the changes made since, through the
 * same catch-up modes as the journal's entries: changes after the snapshot's point are held while the snapshot is
 * sent (CATCHING_UP); then they and every new change are sent but confirmed alone while the standby writes the
 * snapshot (STREAMING); only once it has acknowledged the snapshot and the changes held meanwhile does a change
 * wait for its acknowledgement (SYNCHRONOUS), and the standby counts as in sync for streams once it also holds
 * the changes confirmed alone until then. So no stream write waits for a standby that writes a long snapshot.
 * Confirming alone meanwhile is safe for the same reason as for journal entries: ZooKeeper stopped naming this
 * standby in sync before its resync started, so it cannot be promoted with changes missing.
 *
 * <p>Everything here is guarded by the {@link ActiveReplicator}'s lock, which this class shares.
 */
final class StreamShipping {

    private static final Logger LOG = LoggerFactory.getLogger(StreamShipping.class);

    /** One connected standby's progress with the streams; under the replicator's lock. */
    static final class Follower {
        private ActiveReplicator.Mode mode = ActiveReplicator.Mode.CATCHING_UP;
        /** Changes made after the snapshot's point, sent after it; null before the point and after. */
        private List<ReplicationMessage.StreamOp> tail;
        /** The change the standby must acknowledge before the next mode. */
        private long readyAt = Long.MAX_VALUE;
        private long lastSent;
        private long acked = -1;
        private boolean inSync;

        /** The snapshot and every change since that was confirmed without it are on the standby's disk. */
        boolean inSync() {
            return inSync;
        }
    }

    private final ActiveReplicator replicator;
    private final String nodeId;
    private final long epoch;
    /** Stream changes waiting for the standby, by their sequence numbers. */
    private final ArrayDeque<ActiveReplicator.Waiting> waiting = new ArrayDeque<>();
    private long sequence;
    private volatile StreamSnapshots snapshots;

    StreamShipping(ActiveReplicator replicator, String nodeId, long epoch) {
        this.replicator = replicator;
        this.nodeId = nodeId;
        this.epoch = epoch;
    }

    /** The stream store to take snapshots from, once the broker has opened it. */
    void attach(StreamSnapshots s) {
        this.snapshots = s;
    }

    /** A stream change (stream writer thread): confirmed as journal entries are, against the stream sequence. */
    CompletableFuture<Void> replicate(StreamChange change) {
        // Encoded outside the lock (a PutRecords batch is megabytes), when a standby is likely to need it.
        byte[] body = replicator.hasStandby() ? StreamOps.change(change) : null;
        synchronized (replicator) {
            BrokerException fenced = replicator.fencedLocked();
            if (fenced != null) {
                return CompletableFuture.failedFuture(fenced);
            }
            long seq = ++sequence;
            ActiveReplicator.Standby s = replicator.standbyLocked();
            Follower f = s == null ? null : s.streamFollower;
            if (f == null || (f.mode == ActiveReplicator.Mode.CATCHING_UP && f.tail == null)) {
                // No standby, or one whose snapshot is yet to be taken: the snapshot will hold this change.
                return replicator.alone(seq, waiting);
            }
            ReplicationMessage.StreamOp op = new ReplicationMessage.StreamOp(epoch, seq,
                    body != null ? body : StreamOps.change(change));
            if (f.mode == ActiveReplicator.Mode.CATCHING_UP) {
                f.tail.add(op);
                return replicator.alone(seq, waiting);
            }
            s.send(op);
            f.lastSent = seq;
            if (f.mode == ActiveReplicator.Mode.SYNCHRONOUS) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                waiting.add(new ActiveReplicator.Waiting(seq, done));
                return done;
            }
            return replicator.alone(seq, waiting);
        }
    }

    /** The standby on {@code channel} holds every stream change up to the ack's sequence. */
    void acked(Channel channel, ReplicationMessage.StreamAck ack) {
        replicator.settle(channel, waiting, ack.sequence(), s -> {
            Follower f = s.streamFollower;
            f.acked = Math.max(f.acked, ack.sequence());
            if (f.mode == ActiveReplicator.Mode.STREAMING && f.acked >= f.readyAt) {
                // The snapshot and the changes held meanwhile are on its disk: from now on changes wait for it, and
                // it is in sync once it also holds those confirmed alone until now.
                f.mode = ActiveReplicator.Mode.SYNCHRONOUS;
                f.readyAt = f.lastSent;
            }
            if (f.mode == ActiveReplicator.Mode.SYNCHRONOUS && f.acked >= f.readyAt) {
                f.inSync = true;
            }
        });
    }

    /** Sends standby {@code s} a snapshot of the streams (once ZooKeeper stopped naming it), then the changes since. */
    void resync(ActiveReplicator.Standby s, CompletableFuture<?> cleared) {
        StreamSnapshots taker = snapshots;
        if (taker == null) {
            // No streams here: nothing for the standby to catch up on.
            synchronized (replicator) {
                s.streamFollower.inSync = true;
            }
            replicator.moveOn(s);
            return;
        }
        long[] through = new long[1];
        cleared.thenCompose(v -> taker.take(() -> {
            synchronized (replicator) {
                if (replicator.standbyLocked() == s) {
                    s.streamFollower.tail = new ArrayList<>();
                    through[0] = sequence;
                }
            }
        })).thenCompose(snapshot -> StreamResync.send(s.channel, epoch, snapshot)).whenComplete((count, t) -> {
            if (t != null) {
                LOG.warn("HA {}: streams resync of standby {} failed: {}", nodeId, s.nodeId,
                        ActiveReplicator.rootCause(t));
                s.channel.close();
                return;
            }
            snapshotSent(s, through[0], count);
        });
    }

    /**
     * Sends the end of the snapshot and the changes held since, under the lock (their acknowledgements find it
     * done); from here on changes are sent as they come, confirmed alone until the standby has caught up.
     */
    private void snapshotSent(ActiveReplicator.Standby s, long through, long files) {
        synchronized (replicator) {
            Follower f = s.streamFollower;
            if (replicator.standbyLocked() != s || f.tail == null) {
                return;
            }
            s.send(new ReplicationMessage.StreamOp(epoch, through, StreamOps.end()));
            long last = through;
            for (ReplicationMessage.StreamOp op : f.tail) {
                s.send(op);
                last = op.sequence();
            }
            f.tail = null;
            f.readyAt = last;
            f.lastSent = last;
            f.mode = ActiveReplicator.Mode.STREAMING;
            LOG.info("HA {}: streams snapshot ({} segment file(s)) through change {} sent to {}; streaming from change"
                    + " {}, confirming alone until it has acknowledged change {}", nodeId, files, through, s.nodeId,
                    last + 1, last);
        }
    }

    /** Under the lock: hands over the changes waiting for the standby (to settle them otherwise). */
    void drainWaiting(List<ActiveReplicator.Waiting> into) {
        into.addAll(waiting);
        waiting.clear();
    }
}
