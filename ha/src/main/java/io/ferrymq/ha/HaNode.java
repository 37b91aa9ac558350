package io.ferrymq.ha;

import io.netty.channel.EventLoopGroup;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One member of an active/standby pair. It starts as standby (client listeners closed: connections are
 * refused), following the other node over the replication channel. It becomes active only while it holds
 * the pair's leadership in ZooKeeper and the pair record names it as holding everything confirmed (the
 * last active, or the standby in sync); it then claims the next epoch with a conditional write, finishes
 * applying what it received, starts its broker from its journal and opens its listeners. An active that
 * loses ZooKeeper or meets a later epoch stops confirming writes at once and turns standby again, which
 * discards what it had not replicated and resyncs from the new active.
 *
 * <p>Role changes run on one control thread; ZooKeeper and disk work never run on an event loop.
 */
public final class HaNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HaNode.class);

    /** Where a node is in its life. */
    public enum Role { STARTING, STANDBY, ACTIVE, STOPPED }

    private final HaConfig config;
    private final BrokerLauncher launcher;
    private final long failoverMillis;
    private final ScheduledExecutorService control;
    private final EventLoopGroup group;
    private final PairCoordinator coordinator;
    private volatile Role role = Role.STARTING;
    private volatile long epoch;
    private StandbyReplica replica;
    /** Set from the start of a promotion until demotion: what ZooKeeper trouble must fence at once. */
    private volatile ActiveReplicator replicator;
    private RunningBroker broker;
    private ReplicationServer server;
    private volatile long lastPromotionMillis = -1;
    /** Control thread only: after stepping down for a switch-over, this node stays out of the election until then. */
    private long holdOffUntil = System.nanoTime();
    /** Control thread only: the wait for the old active's channel has been logged. */
    private boolean waitingForOldActive;

    public HaNode(HaConfig config, BrokerLauncher launcher) {
        this.config = config;
        this.launcher = launcher;
        this.failoverMillis = config.failoverTimeout().toMillis();
        this.control = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ferrymq-ha-control");
            t.setDaemon(true);
            return t;
        });
        this.group = Channels.group("ferrymq-ha-replication");
        this.coordinator = new PairCoordinator(config, this::connectionChanged);
    }

    /** Connects to ZooKeeper and starts as standby; promotion follows by itself when this node may and must. */
    public void start() throws Exception {
        coordinator.start();
        PairState state = coordinator.read();
        LOG.info("HA {}: pair record: {}", config.nodeId(), state);
        epoch = state.epoch();
        call(() -> {
            becomeStandby();
            return null;
        });
        control.scheduleWithFixedDelay(() -> guard(this::tick), failoverMillis / 2, failoverMillis / 2,
                TimeUnit.MILLISECONDS);
        Thread warm = new Thread(() -> {
            long t0 = System.nanoTime();
            LOG.info("HA {}: warming up: a throw-away broker (in memory, loopback listeners on free ports) starts and"
                    + " stops now, so that a promotion finds its code loaded", config.nodeId());
            try {
                launcher.warmUp();
                LOG.info("HA {}: broker code warmed up for a fast promotion ({} ms)", config.nodeId(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            } catch (RuntimeException e) {
                LOG.warn("HA {}: warming up the broker code failed ({}); a promotion will be slower", config.nodeId(),
                        e.toString());
            }
        }, "ferrymq-ha-warm-up");
        warm.setDaemon(true);
        warm.setPriority(Thread.MIN_PRIORITY);
        warm.start();
    }

    public HaStatus status() {
        ActiveReplicator r = replicator;
        StandbyReplica s = replica;
        return new HaStatus(config.nodeId(), role, epoch, r == null ? null : r.standbyState(),
                s != null && s.connected(), s == null ? -1 : s.appliedThrough());
    }

    public Role role() {
        return role;
    }

    /** How long the last promotion took from holding leadership to open listeners (-1: none yet). */
    public long lastPromotionMillis() {
        return lastPromotionMillis;
    }

    /** The replication listener's address while active (its real port when 0 was configured), else null. */
    public InetSocketAddress replicationAddress() {
        ReplicationServer s = server;
        return s == null ? null : s.address();
    }

    // ------------------------------------------------------------------ events

    private void connectionChanged(ConnectionState state) {
        if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
            // First, on this very thread: nothing more is confirmed (the other node may promote after T). This
            // also covers a promotion in progress, whose broker must not start serving without the lead.
            ActiveReplicator r = replicator;
            if (r != null) {
                r.fence("lost its ZooKeeper connection (" + state + ")");
            }
        }
        if (state == ConnectionState.RECONNECTED) {
            control.execute(() -> guard(this::tick));
        }
    }

    /** Periodic: joins or leaves the election as the pair record allows; an active checks it still leads. */
    private void tick() throws Exception {
        if (role == Role.STOPPED || !coordinator.connected()) {
            return;
        }
        PairState state = coordinator.read();
        if (role == Role.ACTIVE) {
            if (state.epoch() != epoch || !state.active().equals(config.nodeId())) {
                replicator.fence("the pair record is now " + state);
                return;
            }
            String target = coordinator.switchoverTarget();
            if (target != null && !target.equals(config.nodeId()) && state.syncedStandby().equals(target)) {
                // Everything confirmed is on the standby: stepping down loses nothing. Staying out of the election
                // for a while lets the standby take the lead rather than this node again.
                LOG.warn("HA {}: PLANNED SWITCH-OVER to {}: stepping down", config.nodeId(), target);
                holdOffUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10 * failoverMillis);
                replicator.handOver("planned switch-over to " + target);
            }
            return;
        }
        if (role != Role.STANDBY) {
            return;
        }
        if (state.epoch() > epoch) {
            epoch = state.epoch();
        }
        if (state.mayPromote(config.nodeId()) && System.nanoTime() - holdOffUntil >= 0) {
            if (!coordinator.inElection()) {
                LOG.info("HA {}: holds everything confirmed ({}): eligible to take over", config.nodeId(), state);
                coordinator.joinElection(() -> control.execute(() -> guard(this::tryPromote)));
            } else if (coordinator.isLeader()) {
                tryPromote();
            }
        } else if (coordinator.inElection() && !coordinator.isLeader()) {
            coordinator.leaveElection();
        }
    }

    private void tryPromote() throws Exception {
        if (role != Role.STANDBY || !coordinator.isLeader()) {
            return;
        }
        if (replica != null && replica.connected()) {
            // The old active still talks to us: it is fencing itself, and its channel closes when it does (or
            // falls silent for the failover timeout).
            if (!waitingForOldActive) {
                waitingForOldActive = true;
                LOG.info("HA {}: holds the pair's leadership; waiting for the old active's channel to close",
                        config.nodeId());
            }
            control.schedule(() -> guard(this::tryPromote), 50, TimeUnit.MILLISECONDS);
            return;
        }
        waitingForOldActive = false;
        long t0 = System.nanoTime();
        PairState state = coordinator.read();
        if (!state.mayPromote(config.nodeId())) {
            LOG.warn("HA {}: holds the pair's leadership but not everything confirmed ({}); leaving the election so"
                    + " that {} can take over", config.nodeId(), state, state.active());
            coordinator.leaveElection();
            return;
        }
        PairState claimed;
        try {
            claimed = coordinator.write(state, new PairState(state.epoch() + 1, config.nodeId(), "", state.version()));
        } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
            LOG.info("HA {}: the pair record changed while promoting; looking again", config.nodeId());
            control.schedule(() -> guard(this::tryPromote), 20, TimeUnit.MILLISECONDS);
            return;
        }
        epoch = claimed.epoch();
        LOG.warn("HA {}: PROMOTING to active in epoch {} (previous: {})", config.nodeId(), epoch, state);
        ActiveReplicator r = new ActiveReplicator(config.nodeId(), epoch, config.alonePolicy(),
                standby -> coordinator.recordStandby(claimed.epoch(), standby),
                () -> control.execute(() -> guard(() -> demote("fenced"))));
        replicator = r;
        long applied;
        try {
            if (replica != null) {
                // Finishes applying (and writing) everything received before the journal is handed over.
                replica.close();
                replica = null;
            }
            applied = System.nanoTime();
            broker = launcher.start(r);
            r.attach(broker.journal());
            server = new ReplicationServer(config.replication(), r, failoverMillis, group);
        } catch (RuntimeException e) {
            LOG.error("HA {}: cannot start as active: {}", config.nodeId(), e.toString(), e);
            r.fence("its broker did not start");
            return;
        }
        role = Role.ACTIVE;
        r.serving();
        long now = System.nanoTime();
        lastPromotionMillis = TimeUnit.NANOSECONDS.toMillis(now - t0);
        LOG.warn("HA {}: ACTIVE in epoch {}: client listeners open {} ms after taking the lead (standby copy closed in"
                + " {} ms, broker started in {} ms)", config.nodeId(), epoch, lastPromotionMillis,
                TimeUnit.NANOSECONDS.toMillis(applied - t0), TimeUnit.NANOSECONDS.toMillis(now - applied));
        if (!coordinator.isLeader()) {
            r.fence("lost the pair's leadership while starting");
        } else if (config.nodeId().equals(coordinator.switchoverTarget())) {
            coordinator.clearSwitchover();
            LOG.info("HA {}: planned switch-over done", config.nodeId());
        }
        if (r.isFenced()) {
            demote("fenced while starting");
        }
    }

    /** Stops being active: listeners and broker closed, out of the election, then standby again. */
    private void demote(String why) {
        // Only an active (or a node whose promotion failed half-way, with neither broker nor replica) demotes.
        if (role == Role.STOPPED || role != Role.ACTIVE && replica != null) {
            return;
        }
        LOG.warn("HA {}: DEMOTING from epoch {} ({}): closing client listeners, then resyncing as standby",
                config.nodeId(), epoch, why);
        coordinator.leaveElection();
        stopActive();
        becomeStandby();
    }

    private void stopActive() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (broker != null) {
            try {
                broker.close();
            } catch (RuntimeException e) {
                LOG.warn("HA {}: closing the broker: {}", config.nodeId(), e.toString());
            }
            broker = null;
        }
        replicator = null;
    }

    private void becomeStandby() {
        role = Role.STANDBY;
        replica = new StandbyReplica(config.nodeId(), config.peer(), launcher.journalOptions(), failoverMillis, group,
                epoch, new StandbyReplica.Events() {
            @Override
            public void connection(boolean up) {
                if (!up) {
                    control.execute(() -> guard(HaNode.this::tryPromote));
                }
            }

            @Override
            public void epochSeen(long seen) {
                control.execute(() -> epoch = Math.max(epoch, seen));
            }
        });
        replica.followStreams(launcher.streamDirectory());
        replica.start();
        LOG.info("HA {}: STANDBY: following {} (client listeners closed)", config.nodeId(),
                HaConfig.text(config.peer()));
        control.execute(() -> guard(this::tick));
    }

    // ------------------------------------------------------------------ plumbing

    private interface Step {
        void run() throws Exception;
    }

    private void guard(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            LOG.warn("HA {}: {}", config.nodeId(), e.toString());
        }
    }

    private <T> T call(java.util.concurrent.Callable<T> c) throws Exception {
        try {
            return control.submit(c).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    /** Leaves the pair: out of the election, broker or standby copy closed, ZooKeeper session ended. */
    @Override
    public void close() {
        if (control.isShutdown()) {
            return;
        }
        try {
            call(() -> {
                role = Role.STOPPED;
                ActiveReplicator r = replicator;
                if (r != null) {
                    r.stop();
                }
                coordinator.leaveElection();
                stopActive();
                if (replica != null) {
                    replica.close();
                    replica = null;
                }
                return null;
            });
        } catch (Exception e) {
            LOG.warn("HA {}: stopping: {}", config.nodeId(), e.toString());
        }
        control.shutdownNow();
        coordinator.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        LOG.info("HA {}: stopped", config.nodeId());
    }
}
