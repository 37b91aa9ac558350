package io.ferrymq.server;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import io.ferrymq.ha.HaNode;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static io.ferrymq.server.InProcessPair.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The legacy clients' own failover settings against the pair, as the README shows them: the ActiveMQ client's
 * {@code failover:(tcp://a,tcp://b)} transport and the RabbitMQ client's address list with automatic recovery.
 * Each keeps sending persistent messages while the active goes away and reconnects to the new active; every
 * message the broker confirmed to it is consumed afterwards.
 */
class HaLegacyClientFailoverTest {

    @TempDir
    Path dir;

    private static void failOver(InProcessPair pair) {
        pair.nodeA.close();
        await().atMost(WAIT).until(() -> pair.nodeB.role() == HaNode.Role.ACTIVE);
    }

    private static void pause() {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }

    @Test
    void activemqFailoverTransportLosesNoConfirmedSend() throws Exception {
        try (InProcessPair pair = new InProcessPair(dir).startInSync()) {
            // The failover settings: both nodes, reconnecting quickly, sends held while it reconnects.
            ActiveMQConnectionFactory failover = new ActiveMQConnectionFactory("guest", "guest", "failover:(tcp://127.0.0.1:"
                    + pair.a.port("openwire") + ",tcp://127.0.0.1:" + pair.b.port("openwire")
                    + ")?randomize=false&initialReconnectDelay=50&maxReconnectDelay=500&timeout=30000");
            Set<String> confirmed = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            Thread sending = new Thread(() -> {
                try (jakarta.jms.Connection c = failover.createConnection()) {
                    Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer p = s.createProducer(s.createQueue("ha.orders"));
                    p.setDeliveryMode(DeliveryMode.PERSISTENT);
                    for (int i = 0; !stop.get(); i++) {
                        String body = "order-" + i;
                        try {
                            // A persistent send is synchronous: it returns once the broker answered, on both disks.
                            p.send(s.createTextMessage(body));
                            confirmed.add(body);
                        } catch (JMSException e) {
                            pause();
                        }
                    }
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            }, "activemq-producer");
            sending.start();
            await().atMost(WAIT).until(() -> confirmed.size() >= 50);
            failOver(pair);
            int before = confirmed.size();
            await().atMost(WAIT).until(() -> confirmed.size() >= before + 50);
            stop.set(true);
            sending.join(WAIT.toMillis());

            Set<String> received = new HashSet<>();
            ActiveMQConnectionFactory direct = new ActiveMQConnectionFactory("guest", "guest", "tcp://127.0.0.1:"
                    + pair.b.port("openwire"));
            try (jakarta.jms.Connection c = direct.createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = s.createConsumer(s.createQueue("ha.orders"));
                TextMessage m;
                while ((m = (TextMessage) consumer.receive(5_000)) != null) {
                    received.add(m.getText());
                }
            }
            assertThat(received).containsAll(confirmed);
        }
    }

    @Test
    void rabbitmqAddressListWithAutomaticRecoveryLosesNoConfirmedPublish() throws Exception {
        try (InProcessPair pair = new InProcessPair(dir).startInSync()) {
            // The failover settings: both nodes in the address list, tried in order, and automatic recovery.
            ConnectionFactory f = new ConnectionFactory();
            f.setUsername("guest");
            f.setPassword("guest");
            f.setAutomaticRecoveryEnabled(true);
            f.setNetworkRecoveryInterval(200);
            List<Address> both = List.of(new Address("127.0.0.1", pair.a.port("amqp091")),
                    new Address("127.0.0.1", pair.b.port("amqp091")));
            Set<String> confirmed = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            Thread sending = new Thread(() -> {
                try (Connection c = f.newConnection(both)) {
                    Channel ch = c.createChannel();
                    ch.queueDeclare("ha.jobs", true, false, false, null);
                    // Recovered channels come back in confirm mode.
                    ch.confirmSelect();
                    for (int i = 0; !stop.get(); i++) {
                        String body = "job-" + i;
                        try {
                            ch.basicPublish("", "ha.jobs", MessageProperties.PERSISTENT_TEXT_PLAIN,
                                    body.getBytes(StandardCharsets.UTF_8));
                            if (ch.waitForConfirms(10_000)) {
                                confirmed.add(body);
                            }
                        } catch (IOException | TimeoutException | ShutdownSignalException e) {
                            // Not confirmed (closed or recovering, AlreadyClosedException included): the next goes to the new active.
                            pause();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                } catch (IOException | TimeoutException e) {
                    throw new IllegalStateException(e);
                }
            }, "rabbitmq-publisher");
            sending.start();
            await().atMost(WAIT).until(() -> confirmed.size() >= 50);
            failOver(pair);
            int before = confirmed.size();
            await().atMost(WAIT).until(() -> confirmed.size() >= before + 50);
            stop.set(true);
            sending.join(WAIT.toMillis());

            Set<String> received = new HashSet<>();
            ConnectionFactory direct = new ConnectionFactory();
            direct.setPort(pair.b.port("amqp091"));
            try (Connection c = direct.newConnection()) {
                Channel ch = c.createChannel();
                GetResponse r;
                while ((r = ch.basicGet("ha.jobs", true)) != null) {
                    received.add(new String(r.getBody(), StandardCharsets.UTF_8));
                }
            }
            assertThat(received).containsAll(confirmed);
        }
    }
}
