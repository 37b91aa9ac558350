package io.ferrymq.openwire;

import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.ListenerConfig;
import io.ferrymq.transport.testing.EmbeddedBroker;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * At the broker's memory limit a producer waits for room, as in ActiveMQ by default; with
 * {@code openwire.send-fail-if-no-space} its send fails with ResourceAllocationException instead, and sends
 * succeed again once consumers have made room.
 */
class OpenwireSendFailIfNoSpaceTest {

    private static final int LIMIT = 64 * 1024;
    private static final int BODY = 16 * 1024;
    private static final int SENDS = 20;

    @Test
    void byDefaultAProducerAtTheMemoryLimitWaitsUntilConsumersMakeRoom() throws Exception {
        try (EmbeddedBroker broker = start(OpenwireSettings.defaults()); Connection c = connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = producer(s, "space.block");
            AtomicInteger sent = new AtomicInteger();
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < SENDS; i++) {
                        p.send(message(s));
                        sent.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // Twenty 16 KiB messages do not fit under 64 KiB: the producer is held back, not refused. Each message
            // counts its body twice: the core body and the frame kept for OpenWire consumers.
            await().atMost(Duration.ofSeconds(20)).until(() -> queued(broker, "space.block") * BODY * 2 >= LIMIT);
            assertThat(sender).isNotDone();
            assertThat(sent.get()).isLessThan(SENDS);
            Session consuming = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = consuming.createConsumer(consuming.createQueue("space.block"));
            for (int i = 0; i < SENDS; i++) {
                assertThat(consumer.receive(10_000)).as("message %d", i + 1).isNotNull();
            }
            sender.get(20, TimeUnit.SECONDS);
            assertThat(sent.get()).isEqualTo(SENDS);
        }
    }

    @Test
    void withSendFailIfNoSpaceASendAtTheMemoryLimitFailsWithResourceAllocationException() throws Exception {
        try (EmbeddedBroker broker = start(OpenwireSettings.defaults().withSendFailIfNoSpace(true));
             Connection c = connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = producer(s, "space.fail");
            assertThatThrownBy(() -> {
                for (int i = 0; i < SENDS; i++) {
                    p.send(message(s));
                }
            }).isInstanceOf(ResourceAllocationException.class).hasMessageContaining("memory limit");
            long stored = queued(broker, "space.fail");
            assertThat(stored * BODY * 2).isGreaterThanOrEqualTo(LIMIT);

            MessageConsumer consumer = s.createConsumer(s.createQueue("space.fail"));
            for (long i = 0; i < stored; i++) {
                assertThat(consumer.receive(10_000)).as("message %d", i + 1).isNotNull();
            }
            consumer.close();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(queued(broker, "space.fail")).isZero());
            // Room again: the same producer sends.
            p.send(message(s));
            assertThat(queued(broker, "space.fail")).isEqualTo(1);
        }
    }

    private static MessageProducer producer(Session s, String queue) throws Exception {
        MessageProducer p = s.createProducer(s.createQueue(queue));
        p.setDeliveryMode(DeliveryMode.PERSISTENT);
        return p;
    }

    private static BytesMessage message(Session s) throws Exception {
        BytesMessage m = s.createBytesMessage();
        m.writeBytes(new byte[BODY]);
        return m;
    }

    private static long queued(EmbeddedBroker broker, String queue) throws Exception {
        var admin = broker.broker().systemSession(Broker.DEFAULT_VHOST).admin();
        return admin.queueExists(queue) ? admin.queueStats(queue).get(10, TimeUnit.SECONDS).total() : 0;
    }

    private static Connection connect(EmbeddedBroker broker) throws Exception {
        Connection c = new ActiveMQConnectionFactory("admin", "secret", "tcp://127.0.0.1:" + broker.port("openwire"))
                .createConnection();
        c.start();
        return c;
    }

    private static EmbeddedBroker start(OpenwireSettings settings) {
        return EmbeddedBroker.builder()
                .protocol(broker -> new OpenwireProtocol(broker, settings))
                .listener(ListenerConfig.tcp("openwire", "127.0.0.1", 0, OpenwireProtocol.NAME))
                .memoryLimit(LIMIT)
                .start();
    }
}
