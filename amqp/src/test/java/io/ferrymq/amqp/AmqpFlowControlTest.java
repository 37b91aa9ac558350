package io.ferrymq.amqp;

import io.ferrymq.core.queue.QueueStats;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Credit-based flow control end to end: producers get link credit only while the broker can take their
 * messages, and a consumer that stops reading does not pull the queue into the broker's memory.
 */
class AmqpFlowControlTest {

    private static final int BODY = 64 * 1024;

    @Test
    void producersAreHeldBackAtTheMemoryLimitAndLoseNothing() throws Exception {
        long limit = 2L * 1024 * 1024;
        int total = 200;
        int credit = 10;
        try (EmbeddedBrokerExtension b = AmqpClients.brokerServing(AmqpSettings.defaults().withProducerCredit(credit))
                .memoryLimit(limit).build().start()) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread producer = new Thread(() -> {
                try (Connection c = AmqpClients.connect(b)) {
                    Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer p = s.createProducer(s.createQueue("flood"));
                    p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
                    for (int i = 0; i < total; i++) {
                        BytesMessage m = s.createBytesMessage();
                        m.writeBytes(new byte[BODY]);
                        m.setIntProperty("seq", i);
                        p.send(m);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "flooding-producer");
            producer.setDaemon(true);
            producer.start();

            await().atMost(30, TimeUnit.SECONDS).until(() -> b.broker().memory().used() >= limit);
            // Past the limit no more credit: the queue holds the limit plus at most one window of credit.
            long bound = limit / BODY + credit + 2;
            await().during(Duration.ofMillis(500)).atMost(10, TimeUnit.SECONDS).until(() -> depth(b) <= bound);
            assertThat(producer.isAlive()).as("the producer is held back, not done").isTrue();

            try (Connection c = AmqpClients.connect(b)) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = s.createConsumer(s.createQueue("flood"));
                for (int i = 0; i < total; i++) {
                    BytesMessage m = (BytesMessage) consumer.receive(30_000);
                    assertThat(m).as("message " + i).isNotNull();
                    assertThat(m.getIntProperty("seq")).isEqualTo(i);
                    assertThat(m.getBodyLength()).isEqualTo(BODY);
                }
            }
            producer.join(30_000);
            assertThat(producer.isAlive()).isFalse();
            assertThat(failure.get()).isNull();
        }
    }

    @Test
    void consumerThatStopsReadingLeavesMessagesInTheQueue() throws Exception {
        int total = 600;
        try (EmbeddedBrokerExtension b = AmqpClients.brokerServing(AmqpSettings.defaults()).build().start();
             RawAmqpClient silent = new RawAmqpClient(b.port("amqp"))) {
            silent.open("admin", "secret");
            Attach attach = new Attach();
            attach.setName("silent-consumer");
            attach.setHandle(UnsignedInteger.ZERO);
            attach.setRole(Role.RECEIVER);
            Source source = new Source();
            source.setAddress("slow");
            attach.setSource(source);
            attach.setTarget(new Target());
            silent.frame(RawAmqpClient.AMQP_FRAME, 0, attach, null);
            silent.read();
            Flow flow = new Flow();
            flow.setNextIncomingId(UnsignedInteger.ZERO);
            flow.setIncomingWindow(UnsignedInteger.valueOf(100_000));
            flow.setNextOutgoingId(UnsignedInteger.ZERO);
            flow.setOutgoingWindow(UnsignedInteger.valueOf(100_000));
            flow.setHandle(UnsignedInteger.ZERO);
            flow.setDeliveryCount(UnsignedInteger.ZERO);
            flow.setLinkCredit(UnsignedInteger.valueOf(100_000));
            silent.frame(RawAmqpClient.AMQP_FRAME, 0, flow, null);

            try (Connection c = AmqpClients.connect(b)) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = s.createProducer(s.createQueue("slow"));
                p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
                for (int i = 0; i < total; i++) {
                    BytesMessage m = s.createBytesMessage();
                    m.writeBytes(new byte[BODY]);
                    p.send(m);
                }
            }
            // Plenty of credit, but the socket is full: the rest waits in the queue, not in the connection.
            await().during(Duration.ofMillis(500)).atMost(30, TimeUnit.SECONDS)
                    .until(() -> b.broker().vhost("/").queue("slow").exactStats().join().ready() > total / 3);
        }
    }

    @Test
    void aConsumerWindowOfOneStillDeliversEveryMessageInOrder() throws Exception {
        int total = 300;
        try (EmbeddedBrokerExtension b = AmqpClients.brokerServing(AmqpSettings.defaults().withConsumerWindow(1))
                .build().start();
             Connection c = AmqpClients.connect(b)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("narrow"));
            p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            for (int i = 0; i < total; i++) {
                p.send(s.createTextMessage("m" + i));
            }
            MessageConsumer consumer = s.createConsumer(s.createQueue("narrow"));
            for (int i = 0; i < total; i++) {
                TextMessage m = (TextMessage) consumer.receive(20_000);
                assertThat(m).as("message " + i).isNotNull();
                assertThat(m.getText()).isEqualTo("m" + i);
            }
            await().atMost(10, TimeUnit.SECONDS).until(() -> AmqpClients.messagesIn(b, "narrow") == 0);
        }
    }

    private static long depth(EmbeddedBrokerExtension b) {
        var q = b.broker().vhost("/").queue("flood");
        if (q == null) {
            return 0;
        }
        QueueStats s = q.exactStats().join();
        return s.total();
    }
}
