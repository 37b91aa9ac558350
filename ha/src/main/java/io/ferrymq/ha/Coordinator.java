package io.ferrymq.ha;

import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A single ZooKeeper server for a pair on one machine and for tests ({@code bin/ferrymq coordinator}).
 * Production points the pair at an existing ZooKeeper ensemble instead: one coordinator is a single
 * point of failure for promotion (not for the running active, which keeps serving while its session lives).
 *
 * <p>Its tick is short so that it grants session timeouts as short as a pair's failover timeout: ZooKeeper
 * allows sessions of 2 to 20 ticks.
 */
public final class Coordinator {

    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

    private final ZooKeeperServerMain server = new ZooKeeperServerMain();
    private final ServerConfig config = new ServerConfig();

    /**
     * @param tickMillis ZooKeeper's tick: session timeouts between 2 and 20 ticks are granted
     */
    public Coordinator(String host, int port, Path dataDir, int tickMillis) throws Exception {
        Files.createDirectories(dataDir);
        Properties p = new Properties();
        p.setProperty("dataDir", dataDir.toAbsolutePath().toString());
        p.setProperty("clientPort", String.valueOf(port));
        p.setProperty("clientPortAddress", host);
        p.setProperty("tickTime", String.valueOf(tickMillis));
        p.setProperty("maxClientCnxns", "600");
        // No admin web server: the coordinator is one port, the client port.
        p.setProperty("admin.enableServer", "false");
        System.setProperty("zookeeper.admin.enableServer", "false");
        QuorumPeerConfig quorum = new QuorumPeerConfig();
        quorum.parseProperties(p);
        config.readFrom(quorum);
    }

    /** Serves until the process ends. */
    public void run() throws Exception {
        LOG.info("Coordinator (ZooKeeper) on {} with data in {}, tick {} ms: ha.zookeeper of both pair members points"
                + " here", config.getClientPortAddress(), config.getDataDir(), config.getTickTime());
        server.runFromConfig(config);
    }
}
