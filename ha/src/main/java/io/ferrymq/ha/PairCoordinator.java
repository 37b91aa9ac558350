package io.ferrymq.ha;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The pair's fence in ZooKeeper: a leader latch (held only by the active; its ephemeral node disappears
 * when the active's session expires) and the {@link PairState} record, changed only by conditional writes.
 *
 * <p>Timing rule: the ZooKeeper session timeout is {@code ha.failover-timeout} (T). The ZooKeeper client
 * declares the connection lost when it has heard nothing for 2T/3, and the active then stops confirming
 * anything at once ({@link ConnectionState#SUSPENDED}); the server expires the session, which is what lets
 * the other node take the latch, no earlier than T after it last heard from the active. That leaves a
 * margin of T/3 minus one network delay. Both sides measure elapsed time on their own monotonic clocks, so
 * only the rate at which clocks drift matters, and that is far below a third.
 * Blocking ZooKeeper calls run on this class's own thread, never on an event loop.
 */
final class PairCoordinator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PairCoordinator.class);

    private final HaConfig config;
    private final CuratorFramework client;
    private final String statePath;
    private final String latchPath;
    private final String switchoverPath;
    private final ExecutorService zk;
    private LeaderLatch latch;

    PairCoordinator(HaConfig config, Consumer<ConnectionState> onConnection) {
        this.config = config;
        int timeout = (int) config.failoverTimeout().toMillis();
        this.client = CuratorFrameworkFactory.builder().connectString(config.zookeeper())
                .sessionTimeoutMs(timeout).connectionTimeoutMs(timeout)
                .retryPolicy(new ExponentialBackoffRetry(100, 5, 1000)).build();
        this.statePath = statePath(config.cluster());
        this.latchPath = "/ferrymq/" + config.cluster() + "/active";
        this.switchoverPath = switchoverPath(config.cluster());
        this.zk = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ferrymq-ha-zookeeper");
            t.setDaemon(true);
            return t;
        });
        client.getConnectionStateListenable().addListener((c, state) -> onConnection.accept(state));
    }

    void start() throws Exception {
        client.start();
        if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("cannot reach ZooKeeper at " + config.zookeeper() + " within 30 s"
                    + " (ha.zookeeper); start it (bin/ferrymq coordinator) or fix the address");
        }
        LOG.info("HA {}: connected to ZooKeeper at {} (session timeout {} ms)", config.nodeId(), config.zookeeper(),
                client.getZookeeperClient().getZooKeeper().getSessionTimeout());
    }

    /** The pair's record as ZooKeeper has it now ({@link PairState#NONE} before the first node became active). */
    PairState read() throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = client.getData().storingStatIn(stat).forPath(statePath);
            return PairState.parse(data, stat.getVersion());
        } catch (KeeperException.NoNodeException e) {
            return PairState.NONE;
        }
    }

    /**
     * Writes {@code next} if the record is still at {@code expected}'s version.
     *
     * @return the record as written; fails with {@link KeeperException.BadVersionException} (or NodeExists)
     *         when another node changed it first
     */
    PairState write(PairState expected, PairState next) throws Exception {
        if (!expected.exists()) {
            client.create().creatingParentsIfNeeded().forPath(statePath, next.bytes());
            return new PairState(next.epoch(), next.active(), next.syncedStandby(), 0);
        }
        Stat stat = client.setData().withVersion(expected.version()).forPath(statePath, next.bytes());
        return new PairState(next.epoch(), next.active(), next.syncedStandby(), stat.getVersion());
    }

    /**
     * As the active of {@code epoch}: records which standby is in sync (empty for none).
     * Fails when the record no longer names this node active in that epoch: this node has been fenced.
     */
    CompletableFuture<PairState> recordStandby(long epoch, String standby) {
        return call(() -> {
            PairState now = read();
            if (now.epoch() != epoch || !now.active().equals(config.nodeId())) {
                throw new FencedException("the pair moved on to " + now + " while this node was active in epoch "
                        + epoch);
            }
            if (now.syncedStandby().equals(standby)) {
                return now;
            }
            return write(now, new PairState(epoch, config.nodeId(), standby, now.version()));
        });
    }

    static String statePath(String cluster) {
        return "/ferrymq/" + cluster + "/state";
    }

    static String switchoverPath(String cluster) {
        return "/ferrymq/" + cluster + "/switchover";
    }

    /** The node a planned switch-over ({@code bin/ferrymq ha failover}) asks to hand over to, or null. */
    String switchoverTarget() throws Exception {
        try {
            return new String(client.getData().forPath(switchoverPath), java.nio.charset.StandardCharsets.UTF_8);
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    /** The switch-over to this node is done. */
    void clearSwitchover() throws Exception {
        try {
            client.delete().forPath(switchoverPath);
        } catch (KeeperException.NoNodeException e) {
            // nothing asked
        }
    }

    /** Joins the election for active (a no-op if already in it); {@code onLeader} runs on Curator's thread. */
    synchronized void joinElection(Runnable onLeader) throws Exception {
        if (latch != null) {
            return;
        }
        LeaderLatch l = new LeaderLatch(client, latchPath, config.nodeId());
        l.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                onLeader.run();
            }

            @Override
            public void notLeader() {
                LOG.info("HA {}: no longer holds the pair's leadership", config.nodeId());
            }
        });
        l.start();
        latch = l;
    }

    /** Leaves the election (and gives up leadership if held), so that the other node can take it. */
    synchronized void leaveElection() {
        if (latch == null) {
            return;
        }
        try {
            latch.close(LeaderLatch.CloseMode.SILENT);
        } catch (IOException | IllegalStateException e) {
            LOG.debug("HA {}: leaving the election: {}", config.nodeId(), e.toString());
        }
        latch = null;
    }

    boolean connected() {
        return client.getZookeeperClient().isConnected();
    }

    synchronized boolean inElection() {
        return latch != null;
    }

    synchronized boolean isLeader() {
        return latch != null && latch.hasLeadership();
    }

    private <T> CompletableFuture<T> call(java.util.concurrent.Callable<T> c) {
        CompletableFuture<T> f = new CompletableFuture<>();
        zk.execute(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    @Override
    public void close() {
        leaveElection();
        zk.shutdownNow();
        client.close();
    }

    /** The pair record says another node (or a later epoch) is in charge. */
    static final class FencedException extends Exception {
        FencedException(String message) {
            super(message);
        }
    }
}
