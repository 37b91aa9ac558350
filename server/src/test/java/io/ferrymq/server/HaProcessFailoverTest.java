package io.ferrymq.server;

import io.ferrymq.ha.AlonePolicy;
import io.ferrymq.ha.HaConfig;
import io.ferrymq.ha.StatusReport;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pair as three processes (coordinator, node-a, node-b): a Qpid JMS producer with a failover URI sends
 * persistent messages while the active is killed with {@code kill -9} ({@code -Dha.kills}, default 3, each once
 * the restarted node is back in sync); every send the client saw confirmed is consumed from the last active.
 * Logs the time from each kill to the first accepted connection on the other node.
 */
@Tag("system")
class HaProcessFailoverTest {

    private static final Logger LOG = LoggerFactory.getLogger(HaProcessFailoverTest.class);
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Process java(String name, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "io.ferrymq.server.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
    }

    private Process node(String name, int amqp, int replication, int peer, int zookeeper) throws IOException {
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                security:
                  password-iterations: 1000
                storage:
                  data-dir: %s
                  segment-size: 4MiB
                listeners:
                  - name: amqp
                    protocols: [amqp]
                    host: 127.0.0.1
                    port: %d
                ha:
                  node-id: %s
                  replication: 127.0.0.1:%d
                  peer: 127.0.0.1:%d
                  zookeeper: 127.0.0.1:%d
                  failover-timeout: 1s
                """.formatted(dir.resolve(name), amqp, name, replication, peer, zookeeper));
        return java(name, "run", "--config", config.toString());
    }

    private HaConfig pairView(int zookeeper) {
        return new HaConfig("observer", InetSocketAddress.createUnresolved("127.0.0.1", 1),
                InetSocketAddress.createUnresolved("127.0.0.1", 1), "127.0.0.1:" + zookeeper, "ferrymq",
                Duration.ofSeconds(1), AlonePolicy.SERVE);
    }

    private static boolean inSync(HaConfig view, String active, String standby) {
        try {
            String s = StatusReport.describe(view);
            return s.contains("active:          " + active + "\n") && s.contains("standby in sync: " + standby + "\n");
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void killingTheActiveRepeatedlyLosesNothingConfirmed() throws Exception {
        int kills = Integer.getInteger("ha.kills", 3);
        int zk = freePort();
        Map<String, Integer> amqp = Map.of("node-a", freePort(), "node-b", freePort());
        Map<String, Integer> replication = Map.of("node-a", freePort(), "node-b", freePort());
        Map<String, String> peerOf = Map.of("node-a", "node-b", "node-b", "node-a");
        Process coordinator = java("coordinator", "coordinator", "--port", String.valueOf(zk), "--data-dir",
                dir.resolve("coordinator").toString(), "--tick", "200");
        Map<String, Process> nodes = new HashMap<>();
        HaConfig view = pairView(zk);
        try {
            await().atMost(WAIT).until(() -> accepts(zk));
            for (String n : List.of("node-a", "node-b")) {
                nodes.put(n, node(n, amqp.get(n), replication.get(n), replication.get(peerOf.get(n)), zk));
                await().atMost(WAIT).until(() -> accepts(amqp.get("node-a")));
            }
            String active = "node-a";

            Set<String> confirmed = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger failures = new AtomicInteger();
            JmsConnectionFactory factory = new JmsConnectionFactory("guest", "guest", "failover:(amqp://127.0.0.1:"
                    + amqp.get("node-a") + ",amqp://127.0.0.1:" + amqp.get("node-b")
                    + ")?failover.initialReconnectDelay=20&failover.reconnectDelay=20&failover.useReconnectBackOff=false");
            Thread producer = new Thread(() -> {
                try (JMSContext jms = factory.createContext()) {
                    Queue queue = jms.createQueue("orders");
                    JMSProducer p = jms.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
                    for (int i = 0; !stop.get(); i++) {
                        String body = "m-" + i;
                        try {
                            // Returns once the broker settled the transfer: a confirmed send.
                            p.send(queue, body);
                            confirmed.add(body);
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                }
            }, "producer");
            producer.start();

            List<Long> failovers = new ArrayList<>();
            for (int k = 0; k < kills; k++) {
                String standby = peerOf.get(active);
                String a = active;
                await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> inSync(view, a, standby));
                int before = confirmed.size();
                await().atMost(WAIT).until(() -> confirmed.size() >= before + 200);

                nodes.get(active).destroyForcibly().waitFor();
                long killed = System.nanoTime();
                await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> accepts(amqp.get(standby)));
                long millis = (System.nanoTime() - killed) / 1_000_000;
                failovers.add(millis);
                LOG.info("kill -9 {} of {}: {} accepted its first connection {} ms after the kill", k + 1, active,
                        standby, millis);
                // The killed node comes back as the standby and catches up from the new active.
                nodes.put(active, node(active, amqp.get(active), replication.get(active),
                        replication.get(standby), zk));
                active = standby;
            }
            int before = confirmed.size();
            await().atMost(WAIT).until(() -> confirmed.size() >= before + 200);
            stop.set(true);
            producer.join(60_000);

            Map<String, Integer> received = new HashMap<>();
            JmsConnectionFactory onActive = new JmsConnectionFactory("guest", "guest",
                    "amqp://127.0.0.1:" + amqp.get(active));
            try (JMSContext jms = onActive.createContext();
                 JMSConsumer consumer = jms.createConsumer(jms.createQueue("orders"))) {
                TextMessage m;
                while ((m = (TextMessage) consumer.receive(5_000)) != null) {
                    received.merge(m.getText(), 1, Integer::sum);
                }
            }
            long duplicates = received.values().stream().filter(n -> n > 1).count();
            LOG.info("{} kills: failover times {} ms; {} confirmed, {} distinct received, {} duplicated, {} failed sends",
                    kills, failovers, confirmed.size(), received.size(), duplicates, failures.get());
            assertThat(received.keySet()).containsAll(confirmed);
        } finally {
            nodes.values().forEach(Process::destroyForcibly);
            coordinator.destroyForcibly();
        }
    }
}
