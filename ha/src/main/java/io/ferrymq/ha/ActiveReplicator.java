package io.ferrymq.ha;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.Replicator;
import io.ferrymq.core.stream.StreamChange;
import io.ferrymq.core.stream.StreamReplicator;
import io.ferrymq.core.stream.StreamSnapshots;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The active's side of replication: the journal's {@link Replicator}. With a standby in sync every entry
 * is written to the standby's channel as the journal writes it (pipelined: nothing waits per entry) and
 * its future completes when the standby acknowledges that sequence number, so producers are confirmed
 * only after both fsyncs. A standby that connects first gets a snapshot of the journal's live records and
 * the entries written since (catch-up), while the active goes on serving; after that, replication is
 * synchronous. Without a standby in sync the active follows {@link AlonePolicy}, but only once ZooKeeper no
 * longer names a standby in sync, so that a standby which missed entries can never be promoted.
 *
 * <p>Called by the journal writer thread (replicate) and the replication channel's event loop (the rest);
 * state changes take this object's lock, which is never held across I/O: channel writes only queue.
 */
final class ActiveReplicator implements Replicator, StreamReplicator {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveReplicator.class);

    /** How the pair record is told which standby is in sync (empty: none). */
    interface StandbyRecord extends Function<String, CompletableFuture<?>> { }

    private record Waiting(long sequence, CompletableFuture<Void> done) { }

    private enum Mode { CATCHING_UP, SYNCHRONOUS }

    /** One connected standby. */
    private final class Standby {
        final Channel channel;
        final String nodeId;
        final AtomicBoolean flushScheduled = new AtomicBoolean();
        Mode mode = Mode.CATCHING_UP;
        List<ReplicationMessage.Append> tail = new ArrayList<>();
        long readyAt = Long.MAX_VALUE;
        boolean recorded;
        long acked;
        /** The journal's catch-up is acknowledged: with {@link #streamsInSync} the standby holds everything. */
        boolean journalInSync;
        /** Stream changes made after the streams snapshot's point, sent after it; null before the point and after. */
        List<ReplicationMessage.StreamOp> streamTail;
        boolean streamsSynchronous;
        long streamReadyAt = Long.MAX_VALUE;
        boolean streamsInSync;
        long streamAcked = -1;

        Standby(Channel channel, String nodeId) {
            this.channel = channel;
            this.nodeId = nodeId;
        }

        void send(ReplicationMessage m) {
            channel.write(m, channel.voidPromise());
            // One flush for everything the journal writer queued meanwhile: the writer never waits.
            if (flushScheduled.compareAndSet(false, true)) {
                channel.eventLoop().execute(() -> {
                    flushScheduled.set(false);
                    channel.flush();
                });
            }
        }
    }

    private final String nodeId;
    private final long epoch;
    private final AlonePolicy policy;
    private final StandbyRecord standbyRecord;
    private final Runnable onFenced;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Stream changes waiting for the standby, by their own sequence numbers (streams keep their own logs). */
    private final ArrayDeque<Waiting> streamWaiting = new ArrayDeque<>();
    private long streamSequence;
    private volatile Journal journal;
    private volatile StreamSnapshots streamSnapshots;
    private Standby standby;
    /** ZooKeeper is being told that no standby is in sync: confirmations wait for it. */
    private boolean goingAlone;
    /** Completes once ZooKeeper no longer names the last standby in sync: no snapshot goes out before. */
    private CompletableFuture<?> standbyCleared = CompletableFuture.completedFuture(null);
    private boolean serving;
    private BrokerException fenced;

    /**
     * @param standbyRecord records the standby in sync in the pair record
     * @param onFenced      called once when this node must stop being active (higher epoch, lost record)
     */
    ActiveReplicator(String nodeId, long epoch, AlonePolicy policy, StandbyRecord standbyRecord, Runnable onFenced) {
        this.nodeId = nodeId;
        this.epoch = epoch;
        this.policy = policy;
        this.standbyRecord = standbyRecord;
        this.onFenced = onFenced;
    }

    long epoch() {
        return epoch;
    }

    /** The journal to take snapshots from, once the broker has opened it. */
    void attach(Journal j) {
        this.journal = j;
    }

    /** The stream store to take snapshots from, once the broker has opened it. */
    @Override
    public void attach(StreamSnapshots snapshots) {
        this.streamSnapshots = snapshots;
    }

    /** A stream change (stream writer thread): confirmed as journal entries are, against the stream sequence. */
    @Override
    public CompletableFuture<Void> replicate(StreamChange change) {
        // Encoded outside the lock (a PutRecords batch is megabytes), when a standby is likely to need it.
        byte[] body = hasStandby() ? StreamOps.change(change) : null;
        synchronized (this) {
            if (fenced != null) {
                return CompletableFuture.failedFuture(fenced);
            }
            long sequence = ++streamSequence;
            Standby s = standby;
            if (s != null && body == null) {
                body = StreamOps.change(change);
            }
            if (s != null && s.streamsSynchronous) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                streamWaiting.add(new Waiting(sequence, done));
                s.send(new ReplicationMessage.StreamOp(epoch, sequence, body));
                return done;
            }
            if (s != null && s.streamTail != null) {
                s.streamTail.add(new ReplicationMessage.StreamOp(epoch, sequence, body));
            }
            if (goingAlone) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                streamWaiting.add(new Waiting(sequence, done));
                return done;
            }
            return alone(sequence);
        }
    }

    private synchronized boolean hasStandby() {
        return standby != null;
    }

    /** The broker is up: from now on the alone policy applies (its own start-up writes always pass). */
    synchronized void serving() {
        serving = true;
        if (standby == null) {
            LOG.warn("HA {}: ACTIVE WITHOUT A STANDBY in epoch {}: {}", nodeId, epoch, policy == AlonePolicy.SERVE
                    ? "persistent messages are confirmed on this node's disk alone until a standby is in sync"
                    : "persistent messages are refused until a standby is in sync (ha.alone-policy: refuse-persistent)");
        }
    }

    @Override
    public CompletableFuture<Void> replicate(long sequence, byte[] entry) {
        synchronized (this) {
            if (fenced != null) {
                return CompletableFuture.failedFuture(fenced);
            }
            Standby s = standby;
            if (s != null && s.mode == Mode.SYNCHRONOUS) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                waiting.add(new Waiting(sequence, done));
                s.send(new ReplicationMessage.Append(epoch, sequence, entry));
                return done;
            }
            if (s != null) {
                s.tail.add(new ReplicationMessage.Append(epoch, sequence, entry));
            }
            return alone(sequence);
        }
    }

    /** Under the lock: a future for an entry no standby in sync holds. */
    private CompletableFuture<Void> alone(long sequence) {
        if (goingAlone) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            waiting.add(new Waiting(sequence, done));
            return done;
        }
        if (policy == AlonePolicy.REFUSE_PERSISTENT && serving) {
            return CompletableFuture.failedFuture(refusal());
        }
        return CompletableFuture.completedFuture(null);
    }

    private static BrokerException refusal() {
        return new BrokerException(ErrorCode.UNAVAILABLE, "no standby is in sync and ha.alone-policy is"
                + " refuse-persistent: persistent messages are refused until the standby has caught up; try again later");
    }

    // ------------------------------------------------------------------ channel events (event loop)

    /** A standby said hello. */
    void connected(Channel channel, ReplicationMessage.Hello hello) {
        if (hello.epoch() > epoch) {
            fence("standby " + hello.nodeId() + " knows epoch " + hello.epoch() + ", later than this node's " + epoch);
            channel.close();
            return;
        }
        Standby s;
        Standby previous;
        synchronized (this) {
            previous = standby != null && !standby.channel.isActive() ? standby : null;
        }
        if (previous != null) {
            disconnected(previous.channel, "replaced by a new connection");
        }
        CompletableFuture<?> cleared;
        synchronized (this) {
            if (fenced != null) {
                channel.writeAndFlush(new ReplicationMessage.Refused(epoch, "this node is no longer active"))
                        .addListener(f -> channel.close());
                return;
            }
            if (standby != null && standby.channel.isActive()) {
                channel.writeAndFlush(new ReplicationMessage.Refused(epoch, "node " + standby.nodeId
                        + " is already the standby")).addListener(f -> channel.close());
                return;
            }
            s = new Standby(channel, hello.nodeId());
            standby = s;
            cleared = standbyCleared;
        }
        LOG.info("HA {}: standby {} connected from {}: sending a snapshot, then the entries since", nodeId,
                hello.nodeId(), channel.remoteAddress());
        Journal j = journal;
        if (j == null) {
            channel.close();
            return;
        }
        resyncStreams(s, cleared);
        // A standby that resyncs discards its journal: ZooKeeper must not name it in sync while it does.
        cleared.thenCompose(v -> j.snapshot()).whenCompleteAsync((snapshot, t) -> {
            if (t != null) {
                LOG.warn("HA {}: no snapshot for standby {}: {}", nodeId, s.nodeId, t.toString());
                channel.close();
                return;
            }
            synchronized (this) {
                if (standby != s) {
                    return;
                }
                s.send(new ReplicationMessage.SnapshotBegin(epoch, snapshot.through()));
                for (byte[] e : snapshot.entries()) {
                    s.send(new ReplicationMessage.SnapshotChunk(epoch, e));
                }
                s.send(new ReplicationMessage.SnapshotEnd(epoch, snapshot.through()));
                long last = snapshot.through();
                for (ReplicationMessage.Append a : s.tail) {
                    if (a.sequence() > snapshot.through()) {
                        s.send(a);
                        last = a.sequence();
                    }
                }
                s.tail = null;
                s.readyAt = last;
                s.mode = Mode.SYNCHRONOUS;
                LOG.info("HA {}: snapshot of {} entr{} through sequence {} sent to {}; synchronous from sequence {}",
                        nodeId, snapshot.entries().size(), snapshot.entries().size() == 1 ? "y" : "ies",
                        snapshot.through(), s.nodeId, last + 1);
            }
        }, channel.eventLoop());
    }

    void acked(Channel channel, ReplicationMessage.Ack ack) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        Standby s;
        boolean record = false;
        synchronized (this) {
            s = standby;
            if (s == null || s.channel != channel) {
                return;
            }
            s.acked = Math.max(s.acked, ack.sequence());
            while (!waiting.isEmpty() && waiting.peek().sequence() <= ack.sequence() && !goingAlone) {
                done.add(waiting.poll().done());
            }
            if (s.mode == Mode.SYNCHRONOUS && ack.sequence() >= s.readyAt) {
                s.journalInSync = true;
            }
            record = readyToRecord(s);
        }
        done.forEach(f -> f.complete(null));
        if (record) {
            record(s);
        }
    }

    /** Under the lock: whether the standby now holds everything (journal and streams) and is not yet recorded so. */
    private boolean readyToRecord(Standby s) {
        if (s.recorded || !s.journalInSync || !s.streamsInSync) {
            return false;
        }
        s.recorded = true;
        return true;
    }

    private void record(Standby s) {
        standbyRecord.apply(s.nodeId).whenComplete((v, t) -> {
            if (t != null) {
                fence("cannot record standby " + s.nodeId + " as in sync in ZooKeeper: " + rootCause(t));
            } else {
                LOG.info("HA {}: standby {} is in sync: replication is synchronous (epoch {})", nodeId, s.nodeId,
                        epoch);
            }
        });
    }

    // ------------------------------------------------------------------ streams

    /** Sends the standby a snapshot of the streams (after ZooKeeper stopped naming it), then the changes since. */
    private void resyncStreams(Standby s, CompletableFuture<?> cleared) {
        StreamSnapshots snapshots = streamSnapshots;
        if (snapshots == null) {
            synchronized (this) {
                s.streamsInSync = true;
            }
            return;
        }
        long[] through = new long[1];
        cleared.thenCompose(v -> snapshots.take(() -> {
            synchronized (this) {
                if (standby == s) {
                    s.streamTail = new ArrayList<>();
                    through[0] = streamSequence;
                }
            }
        })).thenCompose(snapshot -> StreamResync.send(s.channel, epoch, snapshot)).whenComplete((count, t) -> {
            if (t != null) {
                LOG.warn("HA {}: streams resync of standby {} failed: {}", nodeId, s.nodeId, rootCause(t));
                s.channel.close();
                return;
            }
            streamsSnapshotSent(s, through[0], count);
        });
    }

    /** Sends the end of the snapshot and the changes since, under the lock: their acknowledgements find it done. */
    private void streamsSnapshotSent(Standby s, long through, long files) {
        synchronized (this) {
            if (standby != s || s.streamTail == null) {
                return;
            }
            s.send(new ReplicationMessage.StreamOp(epoch, through, StreamOps.end()));
            long last = through;
            for (ReplicationMessage.StreamOp op : s.streamTail) {
                s.send(op);
                last = op.sequence();
            }
            s.streamTail = null;
            s.streamReadyAt = last;
            s.streamsSynchronous = true;
            LOG.info("HA {}: streams snapshot ({} segment file(s)) through change {} sent to {}; synchronous from"
                    + " change {}", nodeId, files, through, s.nodeId, last + 1);
        }
    }

    void streamAcked(Channel channel, ReplicationMessage.StreamAck ack) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        Standby s;
        boolean record = false;
        synchronized (this) {
            s = standby;
            if (s == null || s.channel != channel) {
                return;
            }
            s.streamAcked = Math.max(s.streamAcked, ack.sequence());
            while (!streamWaiting.isEmpty() && streamWaiting.peek().sequence() <= ack.sequence() && !goingAlone) {
                done.add(streamWaiting.poll().done());
            }
            if (s.streamsSynchronous && ack.sequence() >= s.streamReadyAt) {
                s.streamsInSync = true;
                record = readyToRecord(s);
            }
        }
        done.forEach(f -> f.complete(null));
        if (record) {
            record(s);
        }
    }

    /** The standby's channel closed or fell silent. */
    void disconnected(Channel channel, String why) {
        List<Waiting> orphans;
        boolean recorded;
        synchronized (this) {
            Standby s = standby;
            if (s == null || s.channel != channel) {
                return;
            }
            standby = null;
            if (fenced != null) {
                return;
            }
            recorded = s.recorded;
            LOG.warn("HA {}: standby {} is gone ({}): {}", nodeId, s.nodeId, why, policy == AlonePolicy.SERVE
                    ? "serving alone until a standby is in sync again"
                    : "refusing persistent messages until a standby is in sync again");
            if (!recorded) {
                orphans = new ArrayList<>(waiting);
                waiting.clear();
                orphans.addAll(streamWaiting);
                streamWaiting.clear();
            } else {
                goingAlone = true;
                orphans = List.of();
            }
        }
        orphans.forEach(w -> settleAlone(w.done()));
        if (recorded) {
            // The standby no longer has everything: ZooKeeper must stop naming it before anything more is confirmed.
            CompletableFuture<?> clearing = standbyRecord.apply("");
            synchronized (this) {
                standbyCleared = clearing;
            }
            clearing.whenComplete((v, t) -> {
                if (t != null) {
                    fence("cannot record in ZooKeeper that no standby is in sync: " + rootCause(t));
                    return;
                }
                List<Waiting> held;
                synchronized (this) {
                    goingAlone = false;
                    held = new ArrayList<>(waiting);
                    waiting.clear();
                    held.addAll(streamWaiting);
                    streamWaiting.clear();
                }
                held.forEach(w -> settleAlone(w.done()));
            });
        }
    }

    private void settleAlone(CompletableFuture<Void> done) {
        if (policy == AlonePolicy.REFUSE_PERSISTENT) {
            done.completeExceptionally(refusal());
        } else {
            done.complete(null);
        }
    }

    /** Any message from the peer: a later epoch than this node's means it is no longer the active. */
    boolean checkEpoch(long seen, String from) {
        if (seen > epoch) {
            fence(from + " is in epoch " + seen + ", later than this node's " + epoch);
            return false;
        }
        return true;
    }

    /**
     * Stops confirming anything, at once and for good: every waiting and later write fails.
     * Safe to call from any thread, more than once.
     */
    void fence(String reason) {
        fence(reason, true);
    }

    /** A planned step-down: fenced as for {@link #fence(String)}, without the alarm in the log. */
    void handOver(String reason) {
        fence(reason, false);
    }

    /** The node is stopping: fenced as for {@link #fence(String)}, without the alarm in the log. */
    void stop() {
        fence("the node is stopping", false);
    }

    private void fence(String reason, boolean alarm) {
        List<Waiting> failed;
        Channel ch = null;
        BrokerException e;
        synchronized (this) {
            if (fenced != null) {
                return;
            }
            e = new BrokerException(ErrorCode.UNAVAILABLE, "this node is no longer the active broker of its HA pair ("
                    + reason + "); reconnect to the other node");
            fenced = e;
            failed = new ArrayList<>(waiting);
            waiting.clear();
            failed.addAll(streamWaiting);
            streamWaiting.clear();
            if (standby != null) {
                ch = standby.channel;
                standby = null;
            }
        }
        if (alarm) {
            LOG.error("HA {}: FENCED, no more writes are confirmed here: {}", nodeId, reason);
        } else {
            LOG.info("HA {}: no more writes are confirmed here: {}", nodeId, reason);
        }
        failed.forEach(w -> w.done().completeExceptionally(e));
        if (ch != null) {
            ch.close();
        }
        onFenced.run();
    }

    synchronized boolean isFenced() {
        return fenced != null;
    }

    /** For status: the standby's name and state, or null. */
    synchronized String standbyState() {
        if (standby == null) {
            return null;
        }
        return standby.nodeId + (standby.recorded ? " in sync" : " catching up") + ", acknowledged through "
                + standby.acked;
    }

    private static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c != c.getCause()) {
            c = c.getCause();
        }
        return c.toString();
    }
}
