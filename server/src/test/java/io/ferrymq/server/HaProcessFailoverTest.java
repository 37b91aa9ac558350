package io.ferrymq.server;

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
 * persistent messages while the active is killed with {@code kill -9}; every send the client saw confirmed is
 * consumed from the promoted node. Logs the time from the kill to the first accepted connection.
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
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
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

    @Test
    void killingTheActiveLosesNothingConfirmed() throws Exception {
        int zk = freePort();
        Map<String, Integer> amqp = new HashMap<>(Map.of("node-a", freePort(), "node-b", freePort()));
        int ra = freePort();
        int rb = freePort();
        Process coordinator = java("coordinator", "coordinator", "--port", String.valueOf(zk), "--data-dir",
                dir.resolve("coordinator").toString(), "--tick", "200");
        Map<String, Process> nodes = new HashMap<>();
        try {
            await().atMost(WAIT).until(() -> accepts(zk));
            nodes.put("node-a", node("node-a", amqp.get("node-a"), ra, rb, zk));
            await().atMost(WAIT).until(() -> accepts(amqp.get("node-a")));
            nodes.put("node-b", node("node-b", amqp.get("node-b"), rb, ra, zk));
            await().atMost(WAIT).until(() -> Files.readString(dir.resolve("node-a.log")).contains("standby node-b is in sync"));

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
                            p.send(queue, body);
                            confirmed.add(body);
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                }
            }, "producer");
            producer.start();
            await().atMost(WAIT).until(() -> confirmed.size() >= 300);

            nodes.get("node-a").destroyForcibly();
            long killed = System.nanoTime();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> accepts(amqp.get("node-b")));
            long failoverMillis = (System.nanoTime() - killed) / 1_000_000;
            LOG.info("kill -9 of the active to the first accepted connection on the other node: {} ms", failoverMillis);
            int before = confirmed.size();
            await().atMost(WAIT).until(() -> confirmed.size() >= before + 300);
            stop.set(true);
            producer.join(60_000);

            Map<String, Integer> received = new HashMap<>();
            JmsConnectionFactory onB = new JmsConnectionFactory("guest", "guest", "amqp://127.0.0.1:" + amqp.get("node-b"));
            try (JMSContext jms = onB.createContext(); JMSConsumer consumer = jms.createConsumer(jms.createQueue("orders"))) {
                TextMessage m;
                while ((m = (TextMessage) consumer.receive(5_000)) != null) {
                    received.merge(m.getText(), 1, Integer::sum);
                }
            }
            long duplicates = received.values().stream().filter(n -> n > 1).count();
            LOG.info("{} confirmed, {} distinct received, {} duplicated, {} failed sends; failover {} ms",
                    confirmed.size(), received.size(), duplicates, failures.get(), failoverMillis);
            assertThat(received.keySet()).containsAll(confirmed);
        } finally {
            nodes.values().forEach(Process::destroyForcibly);
            coordinator.destroyForcibly();
        }
    }
}
