package io.ferrymq.server;

import io.ferrymq.ha.HaNode;
import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.server.config.FerryConfig;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * Two pair members in one JVM with a test ZooKeeper, each with a STOMP, MQTT, AMQP 1.0, AMQP 0-9-1, OpenWire,
 * SQS and management listener on free
 * ports: node-a starts first and is active, node-b follows it as standby.
 */
final class InProcessPair implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String[] LISTENERS = {"stomp", "mqtt", "amqp", "aws", "amqp091", "openwire", "management"};

    /** A member's ports: one per listener of {@link #LISTENERS}, and its replication port. */
    record Member(String name, Map<String, Integer> ports, int replication) {
        int port(String listener) {
            return ports.get(listener);
        }
    }

    final Member a;
    final Member b;
    final TestingServer zookeeper;
    final HaNode nodeA;
    final HaNode nodeB;

    InProcessPair(Path dir) throws Exception {
        this(dir, null);
    }

    /** @param memoryLimit each broker's {@code broker.memory-limit} (queues page past it); null for the default */
    InProcessPair(Path dir, String memoryLimit) throws Exception {
        this(dir, memoryLimit, null, null);
    }

    /** @param keyA node-a's and {@code keyB} node-b's storage.encryption.key-file; null for none */
    InProcessPair(Path dir, String memoryLimit, Path keyA, Path keyB) throws Exception {
        a = member("node-a");
        b = member("node-b");
        // ZooKeeper grants sessions of 2 to 20 ticks; 4 s (not the default 1 s) keeps sessions alive on a busy machine.
        zookeeper = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 250, -1), true);
        FerryConfig ca = config(dir, a, b, memoryLimit, keyA);
        FerryConfig cb = config(dir, b, a, memoryLimit, keyB);
        nodeA = new HaNode(Main.haConfig(ca), new HaLauncher(ca));
        nodeB = new HaNode(Main.haConfig(cb), new HaLauncher(cb));
    }

    /** Starts node-a, then node-b, and returns once node-b is node-a's standby in sync. */
    InProcessPair startInSync() throws Exception {
        nodeA.start();
        await().atMost(WAIT).until(() -> nodeA.role() == HaNode.Role.ACTIVE);
        nodeB.start();
        await().atMost(WAIT).until(() -> String.valueOf(nodeA.status().standby()).contains("node-b in sync"));
        return this;
    }

    private static Member member(String name) throws IOException {
        Map<String, Integer> ports = new java.util.HashMap<>();
        for (String l : LISTENERS) {
            ports.put(l, freePort());
        }
        return new Member(name, Map.copyOf(ports), freePort());
    }

    private FerryConfig config(Path dir, Member me, Member peer, String memoryLimit, Path key) throws Exception {
        Path f = dir.resolve(me.name() + ".yaml");
        StringBuilder listeners = new StringBuilder();
        for (String l : LISTENERS) {
            listeners.append("""
                      - name: %s
                        protocols: [%s]
                        host: 127.0.0.1
                        port: %d
                    """.formatted(l, l, me.port(l)));
        }
        Files.writeString(f, (memoryLimit == null ? "" : "broker:\n  memory-limit: " + memoryLimit + "\n") + """
                security:
                  password-iterations: 1000
                storage:
                  data-dir: %s
                  segment-size: 1MiB
                %saws:
                  kinesis-throughput-limits: false   # the pair's tests write megabytes at once; throttling is tested alone
                listeners:
                %sha:
                  node-id: %s
                  replication: 127.0.0.1:%d
                  peer: 127.0.0.1:%d
                  zookeeper: %s
                  failover-timeout: 4s
                """.formatted(dir.resolve(me.name()), key == null ? "" : "  encryption:\n    key-file: " + key + "\n",
                listeners, me.name(), me.replication(), peer.replication(),
                zookeeper.getConnectString()));
        return new ConfigLoader().load(f);
    }

    /** Ports handed out in this JVM, so that two members never get the same one. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port free now, below the kernel's ephemeral range (32768 and up on Linux): a member binds its ports again
     * at every promotion, long after they were picked, and a port from the ephemeral range could meanwhile be
     * taken by anything that binds port 0 or connects out (the test ZooKeeper, a warm-up broker, clients).
     */
    static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = 20_000 + random.nextInt(12_000);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        nodeB.close();
        nodeA.close();
        zookeeper.close();
    }
}
