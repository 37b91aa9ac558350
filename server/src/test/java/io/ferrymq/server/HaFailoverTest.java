package io.ferrymq.server;

import io.ferrymq.ha.HaNode;
import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.server.config.FerryConfig;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two pair members in one JVM with a test ZooKeeper: persistent AMQP 1.0 sends confirmed by the active are all
 * consumable on the standby after the active stops without a handoff.
 */
class HaFailoverTest {

    private static final Logger LOG = LoggerFactory.getLogger(HaFailoverTest.class);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private record Member(String name, int amqp, int replication) { }

    private FerryConfig config(Member me, Member peer, String zookeeper) throws Exception {
        Path f = dir.resolve(me.name() + ".yaml");
        Files.writeString(f, """
                security:
                  password-iterations: 1000
                storage:
                  data-dir: %s
                  segment-size: 1MiB
                listeners:
                  - name: amqp
                    protocols: [amqp]
                    host: 127.0.0.1
                    port: %d
                ha:
                  node-id: %s
                  replication: 127.0.0.1:%d
                  peer: 127.0.0.1:%d
                  zookeeper: %s
                  failover-timeout: 4s
                """.formatted(dir.resolve(me.name()), me.amqp(), me.name(), me.replication(), peer.replication(),
                zookeeper));
        return new ConfigLoader().load(f);
    }

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

    @Test
    void everyConfirmedMessageIsConsumableOnThePromotedStandby() throws Exception {
        Member a = new Member("node-a", freePort(), freePort());
        Member b = new Member("node-b", freePort(), freePort());
        // ZooKeeper grants sessions of 2 to 20 ticks; 4 s (not the default 1 s) keeps sessions alive on a busy machine.
        try (TestingServer zk = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 250, -1), true)) {
            FerryConfig ca = config(a, b, zk.getConnectString());
            FerryConfig cb = config(b, a, zk.getConnectString());
            HaNode nodeA = new HaNode(Main.haConfig(ca), new HaLauncher(ca));
            HaNode nodeB = new HaNode(Main.haConfig(cb), new HaLauncher(cb));
            try {
                nodeA.start();
                await().atMost(WAIT).until(() -> nodeA.role() == HaNode.Role.ACTIVE);
                nodeB.start();
                await().atMost(WAIT).until(() -> String.valueOf(nodeA.status().standby()).contains("in sync"));
                assertThat(nodeB.role()).isEqualTo(HaNode.Role.STANDBY);
                assertThatThrownBy(() -> new Socket("127.0.0.1", b.amqp()).close())
                        .as("a standby's client listeners are closed").isInstanceOf(ConnectException.class);

                int sent = 300;
                JmsConnectionFactory onA = new JmsConnectionFactory("guest", "guest", "amqp://127.0.0.1:" + a.amqp());
                try (JMSContext jms = onA.createContext()) {
                    Queue queue = jms.createQueue("orders");
                    for (int i = 0; i < sent; i++) {
                        // Persistent by default: send() returns once the broker settled the transfer (confirmed).
                        jms.createProducer().send(queue, "order-" + i);
                    }
                }

                long stoppedAt = System.nanoTime();
                nodeA.close();
                await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> accepts(b.amqp()));
                long failoverMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
                LOG.info("Failover: node-b accepted its first connection {} ms after node-a stopped", failoverMillis);
                await().atMost(WAIT).until(() -> nodeB.role() == HaNode.Role.ACTIVE);

                Set<String> received = new HashSet<>();
                JmsConnectionFactory onB = new JmsConnectionFactory("guest", "guest", "amqp://127.0.0.1:" + b.amqp());
                try (JMSContext jms = onB.createContext(); JMSConsumer consumer = jms.createConsumer(jms.createQueue("orders"))) {
                    TextMessage m;
                    while ((m = (TextMessage) consumer.receive(5_000)) != null) {
                        received.add(m.getText());
                    }
                }
                assertThat(received).hasSize(sent);
            } finally {
                nodeB.close();
                nodeA.close();
            }
        }
    }
}
