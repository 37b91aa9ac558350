package io.ferrymq.ha;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/ferrymq ha failover}: a planned switch-over. It asks, through ZooKeeper, the active to hand over
 * to its standby, and only when the pair record names that standby as in sync, so nothing confirmed is lost:
 * the active stops confirming, closes its listeners and stays out of the election while the standby promotes.
 */
public final class SwitchoverRequest {

    private SwitchoverRequest() {
    }

    /**
     * @return what happened, in a line for a person
     * @throws IllegalStateException when there is no standby in sync to hand over to, or ZooKeeper is unreachable
     */
    public static String run(HaConfig config, Duration timeout) throws Exception {
        try (CuratorFramework c = CuratorFrameworkFactory.builder().connectString(config.zookeeper())
                .sessionTimeoutMs(10_000).connectionTimeoutMs(5_000).retryPolicy(new RetryNTimes(2, 200)).build()) {
            c.start();
            if (!c.blockUntilConnected(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("cannot reach ZooKeeper at " + config.zookeeper() + " (ha.zookeeper)");
            }
            PairState before = read(c, config.cluster());
            if (!before.exists() || before.syncedStandby().isEmpty()) {
                throw new IllegalStateException("no standby is in sync (" + before + "): a switch-over now could lose"
                        + " confirmed messages; start the other node and wait until 'ha status' shows it in sync");
            }
            String target = before.syncedStandby();
            String path = PairCoordinator.switchoverPath(config.cluster());
            byte[] data = target.getBytes(StandardCharsets.UTF_8);
            try {
                c.create().creatingParentsIfNeeded().forPath(path, data);
            } catch (KeeperException.NodeExistsException e) {
                c.setData().forPath(path, data);
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                PairState now = read(c, config.cluster());
                if (now.active().equals(target) && now.epoch() > before.epoch()) {
                    return "switched over: " + target + " is active in epoch " + now.epoch() + " (was " + before.active()
                            + " in epoch " + before.epoch() + ")";
                }
                Thread.sleep(100);
            }
            try {
                c.delete().forPath(path);
            } catch (KeeperException.NoNodeException e) {
                // taken up after all
            }
            throw new IllegalStateException("the switch-over to " + target + " did not happen within "
                    + timeout.toSeconds() + " s; the request was withdrawn (now: " + read(c, config.cluster()) + ")");
        }
    }

    private static PairState read(CuratorFramework c, String cluster) throws Exception {
        Stat stat = new Stat();
        try {
            return PairState.parse(c.getData().storingStatIn(stat).forPath(PairCoordinator.statePath(cluster)),
                    stat.getVersion());
        } catch (KeeperException.NoNodeException e) {
            return PairState.NONE;
        }
    }
}
