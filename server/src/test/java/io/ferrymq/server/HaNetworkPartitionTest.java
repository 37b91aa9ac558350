package io.ferrymq.server;

import io.ferrymq.ha.AlonePolicy;
import io.ferrymq.ha.HaConfig;
import io.ferrymq.ha.StatusReport;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pair's nodes and ZooKeeper each in their own network namespace, joined through this one by veth pairs
 * ({@link NetworkLab}); links are cut with both nodes alive, the packets dropped silently. A writer per node
 * sends persistent messages to that node's own address throughout, so a node that wrongly accepted writes would
 * confirm some. Checked: at no moment do the two nodes both confirm writes (every confirmation of one node comes
 * before every confirmation of the other), and after healing and a failover every confirmed write is received.
 */
@Tag("system")
class HaNetworkPartitionTest {

    private static final Logger LOG = LoggerFactory.getLogger(HaNetworkPartitionTest.class);
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final int AMQP = 5672;
    private static final int REPLICATION = 7701;
    private static final int ZOOKEEPER = 2181;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A confirmed send: which node confirmed it, and when (this process's clock). */
    private record Confirmation(String node, String body, long at) {
    }

    /** Sends persistent messages to one node's own address, reconnecting to that node alone whenever it fails. */
    private static final class Writer implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Writer(String node, String address, ConcurrentLinkedQueue<Confirmation> confirmations) {
            thread = new Thread(() -> {
                JmsConnectionFactory f = new JmsConnectionFactory("app", "app-secret", "amqp://" + address + ":"
                        + AMQP + "?jms.connectTimeout=2000&jms.sendTimeout=10000&amqp.idleTimeout=4000");
                int i = 0;
                while (!stop.get()) {
                    try (JMSContext jms = f.createContext()) {
                        JMSProducer p = jms.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
                        while (!stop.get()) {
                            String body = node + "-" + i++;
                            // Returns once the node settled the transfer: a confirmed send.
                            p.send(jms.createQueue("orders"), body);
                            confirmations.add(new Confirmation(node, body, System.nanoTime()));
                        }
                    } catch (RuntimeException refusedOrCut) {
                        // A standby refuses connections; a cut or fenced node fails the send: try again.
                        pause();
                    }
                }
            }, "writer-" + node);
            thread.start();
        }

        private static void pause() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(60_000);
        }
    }

    private final class Lab implements AutoCloseable {
        final NetworkLab net = new NetworkLab();
        final Map<String, Process> nodes = new HashMap<>();
        final ConcurrentLinkedQueue<Confirmation> confirmations = new ConcurrentLinkedQueue<>();
        final List<Writer> writers = new ArrayList<>();
        Process coordinator;
        HaConfig view;

        Lab() throws Exception {
            try {
                start();
            } catch (Throwable t) {
                try {
                    close();
                } catch (Exception e) {
                    t.addSuppressed(e);
                }
                throw t;
            }
        }

        /** ZooKeeper, then node-a (active), then node-b, in sync. */
        private void start() throws Exception {
            net.host("zk");
            net.host("node-a");
            net.host("node-b");
            coordinator = java("zk", "coordinator", "--host", net.address("zk"), "--port", String.valueOf(ZOOKEEPER),
                    "--data-dir", dir.resolve("zk").toString(), "--tick", "200");
            await().atMost(WAIT).until(() -> accepts(net.address("zk"), ZOOKEEPER));
            view = new HaConfig("observer", InetSocketAddress.createUnresolved("127.0.0.1", 1),
                    InetSocketAddress.createUnresolved("127.0.0.1", 1), net.address("zk") + ":" + ZOOKEEPER,
                    "ferrymq", Duration.ofSeconds(3), AlonePolicy.SERVE);
            start("node-a");
            await().atMost(WAIT).until(() -> accepts(net.address("node-a"), AMQP));
            start("node-b");
            awaitInSync("node-a", "node-b");
        }

        private Process java(String host, String... args) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    "io.ferrymq.server.Main"));
            cmd.addAll(List.of(args));
            return new ProcessBuilder(net.inside(host, cmd)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(host + ".log").toFile())).start();
        }

        void start(String node) throws IOException {
            String peer = node.equals("node-a") ? "node-b" : "node-a";
            Path config = dir.resolve(node + ".yaml");
            Files.writeString(config, """
                    security:
                      password-iterations: 1000
                      users:
                        - name: app
                          password: app-secret
                          roles: [administrator]
                    storage:
                      data-dir: %s
                      segment-size: 4MiB
                    listeners:
                      - name: amqp
                        protocols: [amqp]
                        host: %s
                        port: %d
                    ha:
                      node-id: %s
                      replication: %s:%d
                      peer: %s:%d
                      zookeeper: %s:%d
                      failover-timeout: 3s
                      alone-policy: serve
                    """.formatted(dir.resolve(node), net.address(node), AMQP, node, net.address(node), REPLICATION,
                    net.address(peer), REPLICATION, net.address("zk"), ZOOKEEPER));
            nodes.put(node, java(node, "run", "--config", config.toString()));
        }

        void awaitInSync(String active, String standby) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                try {
                    String s = StatusReport.describe(view);
                    return s.contains("active:          " + active + "\n")
                            && s.contains("standby in sync: " + standby + "\n");
                } catch (Exception e) {
                    return false;
                }
            });
        }

        void write() {
            for (String node : List.of("node-a", "node-b")) {
                writers.add(new Writer(node, net.address(node), confirmations));
            }
        }

        long confirmedBy(String node) {
            return confirmations.stream().filter(c -> c.node().equals(node)).count();
        }

        void awaitMoreConfirmedBy(String node, int more) {
            long before = confirmedBy(node);
            await().atMost(WAIT).until(() -> confirmedBy(node) >= before + more);
        }

        void kill(String node) throws InterruptedException {
            Process p = nodes.get(node);
            p.destroyForcibly();
            p.waitFor();
        }

        Set<String> drain(String node) {
            Set<String> received = new HashSet<>();
            JmsConnectionFactory f = new JmsConnectionFactory("app", "app-secret", "amqp://" + net.address(node) + ":"
                    + AMQP);
            try (JMSContext jms = f.createContext(); JMSConsumer consumer = jms.createConsumer(jms.createQueue("orders"))) {
                TextMessage m;
                while ((m = (TextMessage) consumer.receive(10_000)) != null) {
                    received.add(m.getText());
                }
            } catch (jakarta.jms.JMSException e) {
                throw new AssertionError(e);
            }
            return received;
        }

        /** No moment at which both nodes confirmed writes: one node's confirmations all precede the other's. */
        void assertNeverTwoWriters() {
            long lastA = Long.MIN_VALUE;
            long firstB = Long.MAX_VALUE;
            for (Confirmation c : confirmations) {
                if (c.node().equals("node-a")) {
                    lastA = Math.max(lastA, c.at());
                } else {
                    firstB = Math.min(firstB, c.at());
                }
            }
            assertThat(lastA).as("node-a's last confirmation precedes node-b's first").isLessThan(firstB);
        }

        void stopWriters() throws InterruptedException {
            for (Writer w : writers) {
                w.close();
            }
        }

        @Override
        public void close() throws Exception {
            stopWriters();
            nodes.values().forEach(Process::destroyForcibly);
            for (Process p : nodes.values()) {
                p.waitFor();
            }
            if (coordinator != null) {
                coordinator.destroyForcibly().waitFor();
            }
            net.close();
        }
    }

    @Test
    void aCutReplicationLinkLeavesOneWriterAndLosesNothingConfirmed() throws Exception {
        try (Lab lab = new Lab()) {
            lab.write();
            lab.awaitMoreConfirmedBy("node-a", 100);

            lab.net.cut("node-a", "node-b");
            // Both alive and both still reach ZooKeeper: node-a, holding the lease, carries on alone (serve).
            lab.awaitMoreConfirmedBy("node-a", 200);
            assertThat(lab.confirmedBy("node-b")).as("the standby confirmed writes while cut off").isZero();

            lab.net.heal();
            lab.awaitInSync("node-a", "node-b");
            lab.awaitMoreConfirmedBy("node-a", 100);

            lab.kill("node-a");
            lab.awaitMoreConfirmedBy("node-b", 100);
            lab.stopWriters();

            Set<String> received = lab.drain("node-b");
            Set<String> confirmed = new HashSet<>();
            lab.confirmations.forEach(c -> confirmed.add(c.body()));
            confirmed.removeAll(received);
            LOG.info("cut replication link: {} confirmed by node-a, {} by node-b, {} received after the failover",
                    lab.confirmedBy("node-a"), lab.confirmedBy("node-b"), received.size());
            assertThat(confirmed).as("confirmed but not received").isEmpty();
            lab.assertNeverTwoWriters();
        }
    }

    @Test
    void anActiveCutOffFromZooKeeperStopsConfirmingBeforeTheStandbyTakesOver() throws Exception {
        try (Lab lab = new Lab()) {
            lab.write();
            lab.awaitMoreConfirmedBy("node-a", 100);

            // node-a loses ZooKeeper but still sees node-b: it must fence itself before node-b is promoted.
            lab.net.cut("node-a", "zk");
            lab.awaitMoreConfirmedBy("node-b", 200);
            lab.net.heal();
            lab.stopWriters();

            Set<String> received = lab.drain("node-b");
            Set<String> confirmed = new HashSet<>();
            lab.confirmations.forEach(c -> confirmed.add(c.body()));
            confirmed.removeAll(received);
            LOG.info("active cut from ZooKeeper: {} confirmed by node-a, {} by node-b, {} received from node-b",
                    lab.confirmedBy("node-a"), lab.confirmedBy("node-b"), received.size());
            assertThat(confirmed).as("confirmed but not received").isEmpty();
            lab.assertNeverTwoWriters();
        }
    }
}
