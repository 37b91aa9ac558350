package io.ferrymq.ha;

import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.JournalOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The standby's side: follows the active over the replication channel and keeps a copy of its journal in
 * this node's own journal directory, so that on promotion the broker recovers from it as after any
 * restart. Each batch of entries (one group commit of the active) is appended as it came, its records copied
 * without being decoded ({@link Journal#appendEntries}), with fsync group-committed by the journal; one ack
 * of the highest sequence on disk answers everything a local fsync covered. Page file changes are applied to a {@link PageMirror} of the paging directory
 * and acknowledged together ({@link ReplicationMessage.PageAck}) whenever no more messages wait to be applied,
 * after one fsync. A snapshot from the active replaces whatever the journal and paging directories held.
 *
 * <p>Messages are applied in order on one thread of their own: opening and clearing the journal touch
 * the disk, which the event loop must never wait for. A batch of entries that finds that thread idle is
 * handed to the journal by the event loop itself (it only queues it). While more than {@link #PAUSE_BYTES} received are not
 * yet on disk, the channel stops reading (flow control: the active, which waits while the channel is not
 * writable, then sends a snapshot no faster than this disk writes it).
 */
final class StandbyReplica implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandbyReplica.class);
    private static final long RECONNECT_MILLIS = 200;
    /** Received entry bytes not yet on disk above which the channel stops reading. */
    private static final long PAUSE_BYTES = 16L << 20;

    /** What the node learns from its replica. */
    interface Events {
        /** The connection to the active opened or closed. */
        void connection(boolean up);

        /** A message from a later epoch than the node knew. */
        void epochSeen(long epoch);
    }

    private final String nodeId;
    private final InetSocketAddress peer;
    private final JournalOptions options;
    private final long failoverMillis;
    private final EventLoopGroup group;
    private final Events events;
    private final ExecutorService apply;
    /** Entry bytes received and not yet on this node's disk. */
    private final AtomicLong unwritten = new AtomicLong();
    /** Messages handed to the apply thread and not yet applied: page changes are synced when none are left. */
    private final AtomicLong queued = new AtomicLong();
    /** An ack of {@link #appliedThrough} is queued on the event loop: later completions ride on it. */
    private final AtomicBoolean ackScheduled = new AtomicBoolean();
    /** Apply thread only: the page files. */
    private final PageMirror pages;
    /** Apply thread only: the last page change applied, and the last one acknowledged. */
    private long pageApplied;
    private long pageAcked;
    private volatile long knownEpoch;
    private volatile boolean running;
    private volatile Channel channel;
    private volatile long appliedThrough = -1;
    /** Written by the apply thread; read by the event loop too once {@link #queued} says it is idle. */
    private volatile Journal journal;
    /** Set by a snapshot: appends before one (in one connection) are a protocol error. */
    private volatile Channel snapshotFrom;
    private volatile CompletableFuture<Void> lastAppend = CompletableFuture.completedFuture(null);
    /** Where the copy of the active's streams lives; null when the broker keeps none. */
    private Path streamDir;
    private StreamCopy streams;

    StandbyReplica(String nodeId, InetSocketAddress peer, JournalOptions options, long failoverMillis,
                   EventLoopGroup group, long knownEpoch, Events events) {
        this.nodeId = nodeId;
        this.peer = peer;
        this.options = options.withReplicator(null);
        // Where the broker's paging service keeps its files (next to the journal), so a promotion finds them.
        this.pages = new PageMirror(options.directory().toAbsolutePath().getParent().resolve("paging"),
                options.encryption());
        this.failoverMillis = failoverMillis;
        this.group = group;
        this.knownEpoch = knownEpoch;
        this.events = events;
        this.apply = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ferrymq-ha-standby-apply");
            t.setDaemon(true);
            return t;
        });
    }

    /** Keeps a copy of the active's streams in {@code dir} too (call before {@link #start()}). */
    void followStreams(Path dir) {
        this.streamDir = dir;
    }

    /** Opens the journal copy and starts following the active (retrying until one answers). */
    void start() {
        running = true;
        apply.execute(this::openJournal);
        if (streamDir != null) {
            apply.execute(() -> streams = new StreamCopy(nodeId, streamDir, options.fsync(), options.encryption(), apply));
        }
        connect();
    }

    boolean connected() {
        Channel c = channel;
        return c != null && c.isActive();
    }

    long appliedThrough() {
        return appliedThrough;
    }

    long knownEpoch() {
        return knownEpoch;
    }

    private void openJournal() {
        journal = Journal.open(options);
        journal.recover(new NoRecovery());
    }

    private void connect() {
        if (!running) {
            return;
        }
        Bootstrap b = new Bootstrap().group(group).channel(Channels.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) failoverMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Channels.pipeline(ch, failoverMillis);
                        ch.pipeline().addLast(new Handler());
                    }
                });
        ChannelFuture f = b.connect(new InetSocketAddress(peer.getHostString(), peer.getPort()));
        f.addListener(done -> {
            if (!done.isSuccess()) {
                LOG.debug("HA {}: no active at {} yet: {}", nodeId, HaConfig.text(peer), done.cause().toString());
                retry();
                return;
            }
            Channel ch = f.channel();
            if (!running) {
                ch.close();
                return;
            }
            channel = ch;
            LOG.info("HA {}: connected to the active at {} as its standby (epoch {})", nodeId, HaConfig.text(peer), knownEpoch);
            ch.writeAndFlush(new ReplicationMessage.Hello(knownEpoch, nodeId));
            events.connection(true);
            ch.closeFuture().addListener(c -> {
                events.connection(false);
                retry();
            });
        });
    }

    private void retry() {
        if (running) {
            group.schedule(this::connect, RECONNECT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    // ------------------------------------------------------------------ applying (apply thread)

    /** @return whether an entry was handed to the journal (and is counted as written when it is) */
    private boolean applyMessage(Channel from, ReplicationMessage msg) {
        if (journal == null || from != channel) {
            return false;
        }
        if (msg instanceof ReplicationMessage.StreamOp m) {
            // Streams resync and replicate beside the journal, on their own sequence numbers.
            if (streams == null) {
                LOG.warn("HA {}: the active replicates streams, which this node keeps no copy of; reconnecting", nodeId);
                from.close();
            } else {
                streams.apply(from, m, knownEpoch);
            }
            return false;
        }
        try {
            if (msg instanceof ReplicationMessage.SnapshotBegin m) {
                LOG.info("HA {}: resync: replacing this node's journal with the active's snapshot through sequence {}",
                        nodeId, m.through());
                resetJournal();
                pages.clearAll();
                pageApplied = 0;
                pageAcked = 0;
                snapshotFrom = from;
                appliedThrough = -1;
            } else if (snapshotFrom != from) {
                LOG.warn("HA {}: {} before a snapshot on the replication channel; reconnecting", nodeId,
                        msg.getClass().getSimpleName());
                from.close();
            } else if (msg instanceof ReplicationMessage.SnapshotChunk m) {
                lastAppend = written(m.entry().length, journal.appendEntries(m.entry()));
                return true;
            } else if (msg instanceof ReplicationMessage.SnapshotEnd m) {
                // The snapshot's page files are on disk before its end is acknowledged.
                pages.sync();
                acknowledge(from, lastAppend, m.through(), 0);
            } else if (msg instanceof ReplicationMessage.PageWrite m) {
                pages.write(m.queueId(), m.file(), m.record(), m.bytes());
                pageApplied = Math.max(pageApplied, m.sequence());
            } else if (msg instanceof ReplicationMessage.PageDelete m) {
                pages.delete(m.queueId(), m.file());
                pageApplied = Math.max(pageApplied, m.sequence());
            } else if (msg instanceof ReplicationMessage.Append m) {
                CompletableFuture<Void> append = journal.appendEntries(m.entries());
                lastAppend = append;
                acknowledge(from, append, m.sequence(), m.entries().length);
                return true;
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("HA {}: cannot apply {} from the active: {}; reconnecting to resync", nodeId,
                    msg.getClass().getSimpleName(), e.toString());
            from.close();
        }
        return false;
    }

    /** When nothing more waits to be applied: one fsync for the page changes applied meanwhile, then their ack. */
    private void syncPages(Channel from) {
        if (queued.get() > 0 || pageApplied == pageAcked || from != channel) {
            return;
        }
        try {
            pages.sync();
        } catch (IOException e) {
            LOG.error("HA {}: the page file copies cannot be synced: {}; reconnecting to resync", nodeId, e.toString());
            from.close();
            return;
        }
        pageAcked = pageApplied;
        from.writeAndFlush(new ReplicationMessage.PageAck(knownEpoch, pageAcked), from.voidPromise());
    }

    /** Counts {@code bytes} as received until {@code write} completes, pausing the channel's reads meanwhile. */
    private void received(Channel from, int bytes) {
        if (unwritten.addAndGet(bytes) > PAUSE_BYTES && from.config().isAutoRead()) {
            from.config().setAutoRead(false);
        }
    }

    /** Counts {@code bytes} as on disk once {@code write} completes, resuming reads once enough are. */
    private CompletableFuture<Void> written(int bytes, CompletableFuture<Void> write) {
        return write.whenComplete((v, t) -> onDisk(bytes));
    }

    /** Counts {@code bytes} as on disk (or dropped), resuming reads once enough are. */
    private void onDisk(int bytes) {
        // The current channel: one opened since the pause (the old one closed) must not wait for its own data.
        Channel c = channel;
        if (unwritten.addAndGet(-bytes) <= PAUSE_BYTES / 2 && c != null && !c.config().isAutoRead()) {
            c.config().setAutoRead(true);
        }
    }

    private static int entryBytes(ReplicationMessage msg) {
        if (msg instanceof ReplicationMessage.SnapshotChunk m) {
            return m.entry().length;
        }
        if (msg instanceof ReplicationMessage.PageWrite m) {
            return m.bytes().length;
        }
        return msg instanceof ReplicationMessage.Append m ? m.entries().length : 0;
    }

    /**
     * Acknowledges {@code sequence} once {@code written} completes, counting its {@code bytes} as on disk then (one
     * callback per batch, run by the journal's writer as it completes the fsync). The journal completes a whole
     * group commit at once, in order: one ack for the highest sequence then on disk answers all of it (one write and
     * flush on the event loop, however many batches the fsync covered).
     */
    private void acknowledge(Channel from, CompletableFuture<Void> written, long sequence, int bytes) {
        written.whenComplete((v, t) -> {
            if (bytes > 0) {
                onDisk(bytes);
            }
            if (t != null) {
                LOG.error("HA {}: the journal copy failed at sequence {}: {}", nodeId, sequence, t.toString());
                from.close();
                return;
            }
            appliedThrough = sequence;
            if (ackScheduled.compareAndSet(false, true)) {
                from.eventLoop().execute(() -> {
                    ackScheduled.set(false);
                    from.writeAndFlush(new ReplicationMessage.Ack(knownEpoch, appliedThrough), from.voidPromise());
                });
            }
        });
    }

    /** Empties the journal directory: the snapshot that follows is the whole durable state. */
    private void resetJournal() {
        journal.close();
        journal = null;
        Path dir = options.directory();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.delete(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir + " for the resync", e);
        }
        openJournal();
    }

    /** Stops following and closes the journal copy, after applying every message already received. */
    @Override
    public void close() {
        running = false;
        Channel c = channel;
        if (c != null) {
            c.close().awaitUninterruptibly();
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        apply.execute(() -> {
            try {
                if (journal != null) {
                    // Unmarked: the broker that recovers from this copy on promotion must flag every message
                    // redelivered, for the old active may have delivered any of them unacknowledged.
                    journal.closeWithoutCleanMark();
                    journal = null;
                }
                if (streams != null) {
                    streams.close();
                    streams = null;
                }
                pages.close();
                closed.complete(null);
            } catch (RuntimeException e) {
                closed.completeExceptionally(e);
            }
        });
        try {
            closed.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("HA {}: closing the journal copy: {}", nodeId, e.toString());
        }
        apply.shutdown();
    }

    private final class Handler extends SimpleChannelInboundHandler<ReplicationMessage> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ReplicationMessage msg) {
            if (msg.epoch() < knownEpoch) {
                LOG.warn("HA {}: the node at {} replicates epoch {}, older than {}: it is no longer active; closing",
                        nodeId, ctx.channel().remoteAddress(), msg.epoch(), knownEpoch);
                ctx.close();
                return;
            }
            if (msg.epoch() > knownEpoch) {
                knownEpoch = msg.epoch();
                events.epochSeen(msg.epoch());
            }
            if (msg instanceof ReplicationMessage.Refused r) {
                LOG.warn("HA {}: the node at {} refused to replicate to this node: {}", nodeId, HaConfig.text(peer), r.reason());
                return;
            }
            if (msg instanceof ReplicationMessage.Heartbeat) {
                return;
            }
            Channel ch = ctx.channel();
            int bytes = entryBytes(msg);
            received(ch, bytes);
            if (msg instanceof ReplicationMessage.Append && queued.get() == 0) {
                // Nothing waits on the apply thread (only this handler gives it work): appending here keeps the
                // order and saves a thread hand-off per batch. The journal only queues it for its writer.
                if (!applyMessage(ch, msg)) {
                    written(bytes, CompletableFuture.completedFuture(null));
                }
                return;
            }
            queued.incrementAndGet();
            apply.execute(() -> {
                boolean appended = applyMessage(ch, msg);
                queued.decrementAndGet();
                if (!appended && bytes > 0) {
                    // Not appended to the journal (page bytes, written already; or dropped): counted as written now.
                    written(bytes, CompletableFuture.completedFuture(null));
                }
                syncPages(ch);
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent e && e.state() == IdleState.READER_IDLE && ctx.channel().config().isAutoRead()) {
                LOG.warn("HA {}: the active at {} has been silent for {} ms", nodeId, HaConfig.text(peer), failoverMillis);
                ctx.close();
            } else if (evt instanceof IdleStateEvent e && e.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(new ReplicationMessage.Heartbeat(knownEpoch), ctx.voidPromise());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("HA {}: replication connection to {} failed: {}", nodeId, HaConfig.text(peer), cause.toString());
            ctx.close();
        }
    }
}
