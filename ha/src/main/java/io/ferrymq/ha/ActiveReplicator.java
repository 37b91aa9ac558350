package io.ferrymq.ha;

import io.ferrymq.core.api.ClusterStatus;
import io.ferrymq.core.api.ClusterView;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.Replicator;
import io.ferrymq.core.journal.SnapshotStream;
import io.ferrymq.core.paging.PageFileReader;
import io.ferrymq.core.paging.PageReplicator;
import io.ferrymq.core.paging.PagingService;
import io.ferrymq.core.stream.StreamChange;
import io.ferrymq.core.stream.StreamReplicator;
import io.ferrymq.core.stream.StreamSnapshots;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The active's side of replication: the journal's {@link Replicator}. With a standby in sync every entry
 * is written to the standby's channel as the journal writes it (pipelined: nothing waits per entry) and
 * its future completes when the standby acknowledges that sequence number, so producers are confirmed
 * only after both fsyncs. A standby that connects first gets a snapshot of the journal's live records and
 * the entries written since (catch-up), while the active goes on serving: the snapshot is read from the
 * journal's segments and sent a bounded entry at a time by a resync thread of its own, as fast as the
 * channel drains (the standby stops reading while its disk lags), and the entries written meanwhile are
 * held, then sent. Until the standby has acknowledged all of that, the active keeps confirming alone
 * ({@link AlonePolicy}) while it streams each new entry too; only then does it wait for the standby's
 * acknowledgement (synchronous), and once the standby holds every entry confirmed alone, ZooKeeper names it
 * in sync. Without a standby in sync the active follows {@link AlonePolicy}, but only once ZooKeeper no
 * longer names a standby in sync, so that a standby which missed entries can never be promoted.
 *
 * <p>Page file changes travel the same way ({@link PageReplicator}), numbered in a sequence of their own and
 * acknowledged by {@link ReplicationMessage.PageAck}; the snapshot carries the page files after the journal's
 * records, as plain records (the standby seals them with its own key, if any). Replaying a page change the
 * snapshot already holds is harmless: the standby skips the records its copy holds, and deletes a file. Stream
 * changes go through the same modes in a sequence of their own, shipped by {@link StreamShipping} under this
 * object's lock.
 *
 * <p>Called by the journal writer thread (replicate), the paging thread (page changes), the resync thread
 * and the replication channel's event loop (the rest); state changes take this object's lock, which is never
 * held across I/O: channel writes only queue.
 */
final class ActiveReplicator implements Replicator, PageReplicator, StreamReplicator, ClusterStatus {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveReplicator.class);

    /** How the pair record is told which standby is in sync (empty: none). */
    interface StandbyRecord extends Function<String, CompletableFuture<?>> { }

    record Waiting(long sequence, CompletableFuture<Void> done) { }

    /** A group commit shipped and not yet acknowledged: entries {@code first..last}. */
    private record Unacknowledged(long first, long last, int bytes, long writtenNanos) {
        long entries() {
            return last - first + 1;
        }
    }

    /**
     * CATCHING_UP: the snapshot is being sent, new entries are held; STREAMING: new entries are sent but
     * confirmed alone until the standby acknowledges the snapshot and the held entries; SYNCHRONOUS: new entries
     * are confirmed on the standby's acknowledgement.
     */
    enum Mode { CATCHING_UP, STREAMING, SYNCHRONOUS }

    /** A snapshot's page files go in pieces of at most this many bytes. */
    private static final int PAGE_PIECE = 1 << 20;

    /** One connected standby. */
    final class Standby {
        final Channel channel;
        final String nodeId;
        /**
         * Under the lock: messages to write, in order, by the next drain on the event loop; a group commit's
         * Append goes as its encoded frame (a ByteBuf, which the channel releases once written or failed).
         */
        private ArrayList<Object> outbox = new ArrayList<>();
        private ArrayList<Object> spare = new ArrayList<>();
        private boolean drainScheduled;
        Mode mode = Mode.CATCHING_UP;
        List<ReplicationMessage> tail = new ArrayList<>();
        long readyAt = Long.MAX_VALUE;
        /** The last entry sent: in STREAMING mode, what the standby must hold before it may be named in sync. */
        long lastSent;
        long pageReadyAt;
        long pageLastSent;
        boolean recorded;
        long acked;
        long pageAcked;
        final StreamShipping.Follower streamFollower = new StreamShipping.Follower();

        Standby(Channel channel, String nodeId) {
            this.channel = channel;
            this.nodeId = nodeId;
        }

        /**
         * Under the lock: queues {@code m} for the event loop. One task writes everything queued meanwhile and
         * flushes once (rather than a task per message and another for the flush): the writer never waits, and
         * a burst of group commits costs one wake-up of the event loop and one socket write.
         */
        void send(Object m) {
            outbox.add(m);
            if (!drainScheduled) {
                drainScheduled = true;
                channel.eventLoop().execute(this::drain);
            }
        }

        /** Event loop: writes what was queued, in order, and flushes. */
        private void drain() {
            ArrayList<Object> batch;
            synchronized (ActiveReplicator.this) {
                batch = outbox;
                outbox = spare;
                spare = batch;
                drainScheduled = false;
            }
            for (int i = 0; i < batch.size(); i++) {
                channel.write(batch.get(i), channel.voidPromise());
            }
            batch.clear();
            channel.flush();
        }
    }

    private final String nodeId;
    private final long epoch;
    private final AlonePolicy policy;
    private final StandbyRecord standbyRecord;
    private final Runnable onFenced;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Under the lock: the entries sent or held for the connected standby and not yet acknowledged by it. */
    private final ArrayDeque<Unacknowledged> unacknowledged = new ArrayDeque<>();
    private long unacknowledgedBytes;
    private long unacknowledgedEntries;
    /** Page writes waiting for the standby, by page change number. */
    private final ArrayDeque<Waiting> pageWaiting = new ArrayDeque<>();
    private long pageSequence;
    private volatile Journal journal;
    private volatile PagingService paging;
    private final StreamShipping streams;
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
        this.streams = new StreamShipping(this, nodeId, epoch);
    }

    long epoch() {
        return epoch;
    }

    /** The journal to take snapshots from, once the broker has opened it. */
    void attach(Journal j) {
        this.journal = j;
    }

    @Override
    public void attached(PagingService service) {
        this.paging = service;
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
        return replicate(sequence, sequence, entry);
    }

    @Override
    public CompletableFuture<Void> replicate(long first, long last, byte[] entries) {
        return replicate(first, last, ByteBuffer.wrap(entries));
    }

    /**
     * A whole group commit: one message to the standby and one future, settled by the ack of its last entry. The
     * entries are copied once, into the frame's direct buffer, here on the journal writer's thread (the journal
     * reuses {@code entries} after the call).
     */
    @Override
    public CompletableFuture<Void> replicate(long first, long last, ByteBuffer entries) {
        synchronized (this) {
            if (fenced != null) {
                return CompletableFuture.failedFuture(fenced);
            }
            Standby s = standby;
            int length = entries.remaining();
            if (s != null) {
                unacknowledged.add(new Unacknowledged(first, last, length, System.nanoTime()));
                unacknowledgedBytes += length;
                unacknowledgedEntries += last - first + 1;
            }
            if (s != null && s.mode == Mode.SYNCHRONOUS) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                waiting.add(new Waiting(last, done));
                s.send(ReplicationCodec.encodeAppend(s.channel.alloc(), epoch, first, last, entries));
                s.lastSent = last;
                return done;
            }
            if (s != null && s.mode == Mode.STREAMING) {
                s.send(ReplicationCodec.encodeAppend(s.channel.alloc(), epoch, first, last, entries));
                s.lastSent = last;
            } else if (s != null) {
                // Held until the snapshot is sent, as a message of its own (the journal reuses the buffer).
                byte[] copy = new byte[length];
                entries.get(copy);
                s.tail.add(new ReplicationMessage.Append(epoch, first, last, copy));
            }
            return alone(last);
        }
    }

    /** The stream store to take snapshots from, once the broker has opened it. */
    @Override
    public void attach(StreamSnapshots snapshots) {
        streams.attach(snapshots);
    }

    @Override
    public CompletableFuture<Void> replicate(StreamChange change) {
        return streams.replicate(change);
    }

    synchronized boolean hasStandby() {
        return standby != null;
    }

    @Override
    public CompletableFuture<Void> written(long queueId, long file, long offset, byte[] bytes) {
        synchronized (this) {
            long seq = ++pageSequence;
            return pageChange(seq, new ReplicationMessage.PageWrite(epoch, seq, queueId, file, offset, bytes), true);
        }
    }

    @Override
    public void deleted(long queueId, long file) {
        synchronized (this) {
            long seq = ++pageSequence;
            pageChange(seq, new ReplicationMessage.PageDelete(epoch, seq, queueId, file), false);
        }
    }

    @Override
    public void cleared(long queueId) {
        synchronized (this) {
            long seq = ++pageSequence;
            pageChange(seq, new ReplicationMessage.PageDelete(epoch, seq, queueId,
                    ReplicationMessage.PageDelete.ALL_FILES), false);
        }
    }

    /** Under the lock: ships a page change as the mode says; for a write, the future that confirms it. */
    private CompletableFuture<Void> pageChange(long seq, ReplicationMessage change, boolean write) {
        if (fenced != null) {
            return CompletableFuture.failedFuture(fenced);
        }
        Standby s = standby;
        if (s != null && s.mode != Mode.CATCHING_UP) {
            s.send(change);
            s.pageLastSent = seq;
            if (s.mode == Mode.SYNCHRONOUS && write) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                pageWaiting.add(new Waiting(seq, done));
                return done;
            }
        } else if (s != null) {
            s.tail.add(change);
        }
        return write ? alone(seq, pageWaiting) : null;
    }

    /** Under the lock: why this node confirms nothing any more, or null. */
    BrokerException fencedLocked() {
        return fenced;
    }

    /** Under the lock: the connected standby, or null. */
    Standby standbyLocked() {
        return standby;
    }

    /** Under the lock: a future for an entry no standby in sync holds. */
    private CompletableFuture<Void> alone(long sequence) {
        return alone(sequence, waiting);
    }

    /** Under the lock: a future for change {@code sequence} of {@code queue} that no standby in sync holds. */
    CompletableFuture<Void> alone(long sequence, ArrayDeque<Waiting> queue) {
        if (goingAlone) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            queue.add(new Waiting(sequence, done));
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
            forgetUnacknowledged();
            cleared = standbyCleared;
        }
        LOG.info("HA {}: standby {} connected from {}: sending a snapshot, then the entries since", nodeId,
                hello.nodeId(), channel.remoteAddress());
        Journal j = journal;
        if (j == null) {
            channel.close();
            return;
        }
        // A standby that resyncs discards its journal: ZooKeeper must not name it in sync while it does.
        cleared.thenCompose(v -> j.streamSnapshot()).whenComplete((snapshot, t) -> {
            if (t != null) {
                LOG.warn("HA {}: no snapshot for standby {}: {}", nodeId, s.nodeId, t.toString());
                channel.close();
                return;
            }
            Thread resync = new Thread(() -> sendSnapshot(s, snapshot), "ferrymq-ha-resync-" + s.nodeId);
            resync.setDaemon(true);
            resync.start();
        });
        streams.resync(s, cleared);
    }

    /**
     * On the resync thread: streams the snapshot to the standby a bounded entry at a time, waiting while the
     * channel is not writable (so at most its high-water mark plus one entry is queued), then the entries held
     * meanwhile; from then on new entries are streamed as they are written.
     */
    private void sendSnapshot(Standby s, SnapshotStream snapshot) {
        long t0 = System.nanoTime();
        long chunks = 0;
        long bytes = 0;
        try (snapshot) {
            synchronized (this) {
                if (standby != s) {
                    return;
                }
                s.send(new ReplicationMessage.SnapshotBegin(epoch, snapshot.through()));
            }
            byte[] entry;
            while ((entry = snapshot.next()) != null) {
                if (!current(s)) {
                    return;
                }
                ChannelFuture written = s.channel.writeAndFlush(new ReplicationMessage.SnapshotChunk(epoch, entry));
                chunks++;
                bytes += entry.length;
                if (!s.channel.isWritable()) {
                    // Flow control: the standby reads only as fast as its disk writes.
                    written.awaitUninterruptibly();
                    if (!written.isSuccess()) {
                        return;
                    }
                }
            }
            PagingService pages = paging;
            if (pages != null) {
                long[] sent = sendPageFiles(s, pages.snapshot().join());
                if (sent == null) {
                    return;
                }
                chunks += sent[0];
                bytes += sent[1];
            }
            synchronized (this) {
                if (standby != s) {
                    return;
                }
                s.send(new ReplicationMessage.SnapshotEnd(epoch, snapshot.through()));
                long last = snapshot.through();
                for (ReplicationMessage m : s.tail) {
                    // The journal hands over the batches before the snapshot's point apart from those after it.
                    if (m instanceof ReplicationMessage.Append a && a.first() > snapshot.through()) {
                        s.send(a);
                        last = a.sequence();
                    } else if (m instanceof ReplicationMessage.PageWrite w) {
                        s.send(w);
                        s.pageLastSent = w.sequence();
                    } else if (m instanceof ReplicationMessage.PageDelete d) {
                        s.send(d);
                        s.pageLastSent = d.sequence();
                    }
                }
                s.tail = null;
                s.readyAt = last;
                s.lastSent = last;
                s.pageReadyAt = s.pageLastSent;
                s.mode = Mode.STREAMING;
                LOG.info("HA {}: snapshot of {} record(s) ({} entries, {} bytes) through sequence {} sent to {} in {} ms;"
                        + " streaming from sequence {}, confirming alone until it has acknowledged sequence {}", nodeId,
                        snapshot.records(), chunks, bytes, snapshot.through(), s.nodeId,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), last + 1, last);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("HA {}: the snapshot for standby {} failed: {}; it reconnects to resync", nodeId, s.nodeId,
                    e.toString());
            s.channel.close();
        }
    }

    /**
     * Sends the page files as they were at the page snapshot, a bounded piece at a time as the channel drains.
     *
     * @return pieces and bytes sent, or null when the standby went away
     */
    private long[] sendPageFiles(Standby s, List<PagingService.FileCopy> files) throws IOException {
        long pieces = 0;
        long bytes = 0;
        try {
            for (PagingService.FileCopy f : files) {
                // Plain records, opened with this node's key: the standby lays them out with its own.
                PageFileReader reader = paging.reader(f);
                PageFileReader.Batch b;
                while ((b = reader.next(PAGE_PIECE)) != null) {
                    if (!current(s)) {
                        return null;
                    }
                    ChannelFuture written = s.channel.writeAndFlush(new ReplicationMessage.PageWrite(epoch, 0,
                            f.queueId(), f.file(), b.first(), b.records()));
                    pieces++;
                    bytes += b.records().length;
                    if (!s.channel.isWritable()) {
                        written.awaitUninterruptibly();
                        if (!written.isSuccess()) {
                            return null;
                        }
                    }
                }
            }
        } finally {
            for (PagingService.FileCopy f : files) {
                f.channel().close();
            }
        }
        return new long[] {pieces, bytes};
    }

    private synchronized boolean current(Standby s) {
        return standby == s && s.channel.isActive();
    }

    void acked(Channel channel, ReplicationMessage.Ack ack) {
        settle(channel, waiting, ack.sequence(), s -> {
            s.acked = Math.max(s.acked, ack.sequence());
            while (!unacknowledged.isEmpty() && unacknowledged.peek().last() <= s.acked) {
                Unacknowledged u = unacknowledged.poll();
                unacknowledgedBytes -= u.bytes();
                unacknowledgedEntries -= u.entries();
            }
        });
    }

    void pageAcked(Channel channel, ReplicationMessage.PageAck ack) {
        settle(channel, pageWaiting, ack.sequence(), s -> s.pageAcked = Math.max(s.pageAcked, ack.sequence()));
    }

    void streamAcked(Channel channel, ReplicationMessage.StreamAck ack) {
        streams.acked(channel, ack);
    }

    /**
     * An acknowledgement from the standby on {@code channel}: {@code note} records it (under the lock), the writes
     * of {@code queue} up to {@code sequence} are confirmed, and the standby may move on in its catch-up.
     */
    void settle(Channel channel, ArrayDeque<Waiting> queue, long sequence, Consumer<Standby> note) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        Standby s;
        boolean record;
        synchronized (this) {
            s = standby;
            if (s == null || s.channel != channel) {
                return;
            }
            note.accept(s);
            while (!queue.isEmpty() && queue.peek().sequence() <= sequence && !goingAlone) {
                done.add(queue.poll().done());
            }
            record = advance(s);
        }
        done.forEach(f -> f.complete(null));
        if (record) {
            record(s);
        }
    }

    /** Under the lock: moves a catching-up standby on; @return whether it is now to be named in sync */
    private boolean advance(Standby s) {
        if (s.mode == Mode.STREAMING && s.acked >= s.readyAt && s.pageAcked >= s.pageReadyAt) {
            // The snapshot and the changes held meanwhile are on the standby's disk: from now on changes wait for
            // its acknowledgement, and it is in sync once it also holds those confirmed alone until now.
            s.mode = Mode.SYNCHRONOUS;
            s.readyAt = s.lastSent;
            s.pageReadyAt = s.pageLastSent;
        }
        if (!s.recorded && s.mode == Mode.SYNCHRONOUS && s.acked >= s.readyAt && s.pageAcked >= s.pageReadyAt
                && s.streamFollower.inSync()) {
            s.recorded = true;
            return true;
        }
        return false;
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

    /** A standby's streams caught up outside an acknowledgement: it may now be named in sync. */
    void moveOn(Standby s) {
        boolean record;
        synchronized (this) {
            record = standby == s && advance(s);
        }
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
            forgetUnacknowledged();
            if (fenced != null) {
                return;
            }
            recorded = s.recorded;
            LOG.warn("HA {}: standby {} is gone ({}): {}", nodeId, s.nodeId, why, policy == AlonePolicy.SERVE
                    ? "serving alone until a standby is in sync again"
                    : "refusing persistent messages until a standby is in sync again");
            if (!recorded) {
                orphans = new ArrayList<>(waiting);
                orphans.addAll(pageWaiting);
                streams.drainWaiting(orphans);
                waiting.clear();
                pageWaiting.clear();
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
                    held.addAll(pageWaiting);
                    streams.drainWaiting(held);
                    waiting.clear();
                    pageWaiting.clear();
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
            failed.addAll(pageWaiting);
            streams.drainWaiting(failed);
            waiting.clear();
            pageWaiting.clear();
            if (standby != null) {
                ch = standby.channel;
                standby = null;
            }
            forgetUnacknowledged();
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

    /** Under the lock: with no standby (or a new one) there is nothing it lags behind on. */
    private void forgetUnacknowledged() {
        unacknowledged.clear();
        unacknowledgedBytes = 0;
        unacknowledgedEntries = 0;
    }

    /** The pair as this active sees it, with the connected standby's lag behind the journal. */
    @Override
    public synchronized ClusterView current() {
        Standby s = standby;
        if (fenced != null) {
            return new ClusterView("fenced", "alone", epoch, nodeId, null, 0, 0, 0);
        }
        if (s == null) {
            return new ClusterView("alone", "alone", epoch, nodeId, null, 0, 0, 0);
        }
        String mode = switch (s.mode) {
            case CATCHING_UP -> "catching-up";
            case STREAMING -> "streaming";
            case SYNCHRONOUS -> "synchronous";
        };
        Unacknowledged oldest = unacknowledged.peek();
        long age = oldest == null ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - oldest.writtenNanos());
        return new ClusterView("active", mode, epoch, nodeId, s.nodeId, unacknowledgedEntries, unacknowledgedBytes,
                age);
    }

    /** For status: the standby's name and state, or null. */
    synchronized String standbyState() {
        if (standby == null) {
            return null;
        }
        return standby.nodeId + (standby.recorded ? " in sync" : " catching up") + ", acknowledged through "
                + standby.acked;
    }

    static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c != c.getCause()) {
            c = c.getCause();
        }
        return c.toString();
    }
}
