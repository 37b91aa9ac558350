package io.ferrymq.openwire;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.queue.QueueStats;
import io.ferrymq.transport.ListenerConfig;
import io.ferrymq.transport.testing.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failover transport resends every send it heard no Response for. When the broker had stored the message and
 * only the Response was lost (a dropped connection, a broker restart), the repeat is confirmed and not stored again:
 * the consumer gets each message once.
 */
class OpenwireDuplicateSendTest {

    private static final String QUEUE = "dedup.q";

    @Test
    void aSendRepeatedAfterTheConnectionDroppedIsStoredOnce() throws Exception {
        try (EmbeddedBroker broker = start(null, 0); DroppingProxy proxy = new DroppingProxy(broker.port("openwire"))) {
            sendThroughALostAnswer(proxy, broker, () -> { });
            assertThat(stats(broker).total()).as("messages stored").isEqualTo(3);
            assertThat(consumeAll(broker)).containsExactly("one", "two", "three");
        }
    }

    @Test
    void aSendRepeatedToTheRestartedBrokerIsStoredOnce(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        EmbeddedBroker[] broker = {start(dir, port)};
        try (DroppingProxy proxy = new DroppingProxy(port)) {
            // The broker stored "two", then stopped before its client heard so; the audit comes back with the journal.
            sendThroughALostAnswer(proxy, broker[0], () -> {
                broker[0].close();
                broker[0] = start(dir, port);
            });
            assertThat(stats(broker[0]).total()).as("messages stored").isEqualTo(3);
            assertThat(consumeAll(broker[0])).containsExactly("one", "two", "three");
        } finally {
            broker[0].close();
        }
    }

    /** Sends "one", then "two" whose Response is lost after the broker stored it, then "three", all persistent. */
    private static void sendThroughALostAnswer(DroppingProxy proxy, EmbeddedBroker broker, Runnable whileCut)
            throws Exception {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("admin", "secret",
                "failover:(" + proxy.url() + ")?initialReconnectDelay=50&maxReconnectDelay=500");
        try (Connection c = f.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue(QUEUE));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            p.send(s.createTextMessage("one"));
            proxy.loseAnswers();
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
                try {
                    p.send(s.createTextMessage("two"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> stats(broker).total() == 2);
            whileCut.run();
            proxy.dropConnections();
            second.get(30, TimeUnit.SECONDS);
            p.send(s.createTextMessage("three"));
        }
    }

    private static List<String> consumeAll(EmbeddedBroker broker) throws Exception {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("admin", "secret",
                "tcp://127.0.0.1:" + broker.port("openwire"));
        List<String> texts = new ArrayList<>();
        try (Connection c = f.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            for (int i = 0; i < 3; i++) {
                TextMessage m = (TextMessage) consumer.receive(10_000);
                assertThat(m).as("message %d", i + 1).isNotNull();
                texts.add(m.getText());
                m.acknowledge();
            }
        }
        return texts;
    }

    private static QueueStats stats(EmbeddedBroker broker) throws Exception {
        return broker.broker().systemSession(Broker.DEFAULT_VHOST).admin().queueStats(QUEUE).get(10, TimeUnit.SECONDS);
    }

    private static EmbeddedBroker start(Path dir, int port) {
        EmbeddedBroker.Builder b = EmbeddedBroker.builder()
                .protocol(broker -> new OpenwireProtocol(broker, OpenwireSettings.defaults()))
                .listener(ListenerConfig.tcp("openwire", "127.0.0.1", port, OpenwireProtocol.NAME));
        return (dir == null ? b : b.durable(dir)).start();
    }
}
