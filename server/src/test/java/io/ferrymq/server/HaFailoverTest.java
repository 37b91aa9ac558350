package io.ferrymq.server;

import io.ferrymq.ha.HaNode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static io.ferrymq.server.InProcessPair.WAIT;
import static io.ferrymq.server.InProcessPair.accepts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two pair members in one JVM with a test ZooKeeper: persistent AMQP 1.0 sends confirmed by the active are all
 * consumable on the standby after the active stops without a handoff.
 */
class HaFailoverTest {

    private static final Logger LOG = LoggerFactory.getLogger(HaFailoverTest.class);

    @TempDir
    Path dir;

    private static void send(int amqpPort, String queueName, int count) {
        JmsConnectionFactory factory = new JmsConnectionFactory("guest", "guest", "amqp://127.0.0.1:" + amqpPort);
        try (JMSContext jms = factory.createContext()) {
            Queue queue = jms.createQueue(queueName);
            for (int i = 0; i < count; i++) {
                // Persistent by default: send() returns once the broker settled the transfer (confirmed).
                jms.createProducer().send(queue, "order-" + i);
            }
        }
    }

    @Test
    void everyConfirmedMessageIsConsumableOnThePromotedStandby() throws Exception {
        try (InProcessPair pair = new InProcessPair(dir).startInSync()) {
            assertThat(pair.nodeB.role()).isEqualTo(HaNode.Role.STANDBY);
            assertThatThrownBy(() -> new Socket("127.0.0.1", pair.b.port("amqp")).close())
                    .as("a standby's client listeners are closed").isInstanceOf(ConnectException.class);

            int sent = 300;
            send(pair.a.port("amqp"), "orders", sent);

            long stoppedAt = System.nanoTime();
            pair.nodeA.close();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> accepts(pair.b.port("amqp")));
            long failoverMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
            LOG.info("Failover: node-b accepted its first connection {} ms after node-a stopped", failoverMillis);
            await().atMost(WAIT).until(() -> pair.nodeB.role() == HaNode.Role.ACTIVE);

            Set<String> received = new HashSet<>();
            JmsConnectionFactory onB = new JmsConnectionFactory("guest", "guest", "amqp://127.0.0.1:" + pair.b.port("amqp"));
            try (JMSContext jms = onB.createContext(); JMSConsumer consumer = jms.createConsumer(jms.createQueue("orders"))) {
                TextMessage m;
                while ((m = (TextMessage) consumer.receive(5_000)) != null) {
                    received.add(m.getText());
                }
            }
            assertThat(received).hasSize(sent);
        }
    }

    @Test
    void messagesDeliveredButUnacknowledgedOnTheOldActiveAreFlaggedRedeliveredOnTheNewOne() throws Exception {
        try (InProcessPair pair = new InProcessPair(dir).startInSync()) {
            send(pair.a.port("amqp"), "jobs", 20);
            Set<String> delivered = new HashSet<>();
            JmsConnectionFactory onA = new JmsConnectionFactory("guest", "guest", "amqp://127.0.0.1:" + pair.a.port("amqp"));
            JMSContext held = onA.createContext(JMSContext.CLIENT_ACKNOWLEDGE);
            try {
                JMSConsumer consumer = held.createConsumer(held.createQueue("jobs"));
                for (int i = 0; i < 5; i++) {
                    TextMessage m = (TextMessage) consumer.receive(WAIT.toMillis());
                    assertThat(m.getJMSRedelivered()).isFalse();
                    delivered.add(m.getText());
                }
                // Never acknowledged: the old active goes away while its consumer holds these five.
                pair.nodeA.close();
            } finally {
                held.close();
            }
            await().atMost(WAIT).until(() -> pair.nodeB.role() == HaNode.Role.ACTIVE);

            Map<String, Boolean> redelivered = new HashMap<>();
            JmsConnectionFactory onB = new JmsConnectionFactory("guest", "guest", "amqp://127.0.0.1:" + pair.b.port("amqp"));
            try (JMSContext jms = onB.createContext(); JMSConsumer consumer = jms.createConsumer(jms.createQueue("jobs"))) {
                Message m;
                while ((m = consumer.receive(5_000)) != null) {
                    redelivered.put(((TextMessage) m).getText(), m.getJMSRedelivered()
                            && m.getIntProperty("JMSXDeliveryCount") >= 2);
                }
            }
            assertThat(redelivered).hasSize(20);
            assertThat(delivered).allSatisfy(body -> assertThat(redelivered.get(body)).as(body + " redelivered").isTrue());
        }
    }
}
