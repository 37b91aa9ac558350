package io.ferrymq.ha;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

/** A test ZooKeeper and the configuration of two pair members on free ports. */
final class Pair implements AutoCloseable {

    final TestingServer zookeeper;
    final HaConfig a;
    final HaConfig b;

    Pair(AlonePolicy policy) throws Exception {
        // ZooKeeper grants sessions of 2 to 20 ticks; 4 s (not the default 1 s) keeps sessions alive on a busy machine.
        zookeeper = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 250, -1), true);
        int pa = freePort();
        int pb = freePort();
        a = config("node-a", pa, pb, policy);
        b = config("node-b", pb, pa, policy);
    }

    private HaConfig config(String id, int own, int peer, AlonePolicy policy) {
        return new HaConfig(id, InetSocketAddress.createUnresolved("127.0.0.1", own),
                InetSocketAddress.createUnresolved("127.0.0.1", peer), zookeeper.getConnectString(), "test",
                Duration.ofSeconds(4), policy);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Path dir(Path root, String name) {
        return root.resolve(name);
    }

    @Override
    public void close() throws IOException {
        zookeeper.close();
    }
}
