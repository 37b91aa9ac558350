package io.ferrymq.tests.openwire;

import io.ferrymq.tests.matrix.MatrixBroker;
import io.ferrymq.tests.support.StompTestClient;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.simp.stomp.StompHeaders;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consumer priority and exclusivity are the queue's rules, not a protocol's: a STOMP subscriber and an
 * OpenWire consumer on one queue are ranked against each other by the same rules.
 */
class CrossProtocolConsumerDispatchTest {

    private static MatrixBroker broker;

    @BeforeAll
    static void start() {
        broker = MatrixBroker.inMemory();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Connection openwire() throws Exception {
        Connection c = new ActiveMQConnectionFactory(MatrixBroker.USER, MatrixBroker.PASSWORD,
                "tcp://127.0.0.1:" + broker.mixedPort()).createConnection();
        c.start();
        return c;
    }

    private static StompHeaders subscription(String queue, String... headers) {
        StompHeaders h = new StompHeaders();
        h.setDestination("/queue/" + queue);
        for (int i = 0; i < headers.length; i += 2) {
            h.set(headers[i], headers[i + 1]);
        }
        return h;
    }

    private static void send(Session s, String queue, String... bodies) throws Exception {
        MessageProducer p = s.createProducer(s.createQueue(queue));
        for (String body : bodies) {
            p.send(s.createTextMessage(body));
        }
        p.close();
    }

    private static List<String> take(BlockingQueue<StompTestClient.Frame> inbox, int n) throws Exception {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StompTestClient.Frame f = inbox.poll(20, TimeUnit.SECONDS);
            assertThat(f).as("STOMP message %d of %d", i + 1, n).isNotNull();
            got.add(f.text());
        }
        return got;
    }

    private static List<String> receive(MessageConsumer c, int n) throws Exception {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Message m = c.receive(20_000);
            assertThat(m).as("OpenWire message %d of %d", i + 1, n).isNotNull();
            got.add(((TextMessage) m).getText());
        }
        return got;
    }

    @Test
    void aHigherPriorityStompSubscriberIsServedBeforeAnOpenwireConsumer() throws Exception {
        String q = "xprio-" + UUID.randomUUID();
        try (Connection c = openwire(); StompTestClient stomp = StompTestClient.connect(broker.mixedPort())) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer low = s.createConsumer(s.createQueue(q + "?consumer.prefetchSize=10"));
            BlockingQueue<StompTestClient.Frame> high = stomp.subscribe(subscription(q, "ack", "client-individual",
                    "activemq.prefetchSize", "2", "activemq.priority", "9"));

            send(c.createSession(false, Session.AUTO_ACKNOWLEDGE), q, "m1", "m2", "m3", "m4", "m5");

            assertThat(take(high, 2)).containsExactly("m1", "m2");
            assertThat(receive(low, 3)).containsExactly("m3", "m4", "m5");
        }
    }

    @Test
    void anExclusiveOpenwireConsumerHoldsTheQueueUntilItClosesThenStompTakesOver() throws Exception {
        String q = "xexcl-" + UUID.randomUUID();
        try (Connection c = openwire(); StompTestClient stomp = StompTestClient.connect(broker.mixedPort())) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer exclusive = s.createConsumer(s.createQueue(q + "?consumer.exclusive=true"));
            BlockingQueue<StompTestClient.Frame> plain = stomp.subscribe(subscription(q));
            Session producer = c.createSession(false, Session.AUTO_ACKNOWLEDGE);

            send(producer, q, "m1", "m2", "m3");
            assertThat(receive(exclusive, 3)).containsExactly("m1", "m2", "m3");
            assertThat(plain).isEmpty();

            exclusive.close();
            send(producer, q, "m4");
            assertThat(take(plain, 1)).containsExactly("m4");
        }
    }
}
