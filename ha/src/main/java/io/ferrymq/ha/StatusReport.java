package io.ferrymq.ha;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code bin/ferrymq ha status}: the pair as ZooKeeper sees it, in a few lines for a person. */
public final class StatusReport {

    private StatusReport() {
    }

    /** @throws IllegalStateException when ZooKeeper cannot be reached */
    public static String describe(HaConfig config) throws Exception {
        try (CuratorFramework c = CuratorFrameworkFactory.builder().connectString(config.zookeeper())
                .sessionTimeoutMs(10_000).connectionTimeoutMs(5_000).retryPolicy(new RetryNTimes(2, 200)).build()) {
            c.start();
            if (!c.blockUntilConnected(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("cannot reach ZooKeeper at " + config.zookeeper() + " (ha.zookeeper)");
            }
            String base = "/ferrymq/" + config.cluster();
            PairState state;
            Stat stat = new Stat();
            try {
                state = PairState.parse(c.getData().storingStatIn(stat).forPath(base + "/state"), stat.getVersion());
            } catch (KeeperException.NoNodeException e) {
                state = PairState.NONE;
            }
            List<String> contenders;
            try {
                contenders = c.getChildren().forPath(base + "/active");
            } catch (KeeperException.NoNodeException e) {
                contenders = List.of();
            }
            StringBuilder out = new StringBuilder();
            out.append("pair '").append(config.cluster()).append("' at ").append(config.zookeeper()).append('\n');
            if (!state.exists()) {
                out.append("no node has been active yet\n");
                return out.toString();
            }
            out.append("epoch:           ").append(state.epoch()).append('\n');
            out.append("active:          ").append(state.active()).append(contenders.isEmpty()
                    ? " (holds no lease: down, or being replaced)" : "").append('\n');
            out.append("standby in sync: ").append(state.syncedStandby().isEmpty()
                    ? "none (the active is alone)" : state.syncedStandby()).append('\n');
            out.append("in the election: ").append(contenders.size()).append(" node(s)\n");
            return out.toString();
        }
    }
}
