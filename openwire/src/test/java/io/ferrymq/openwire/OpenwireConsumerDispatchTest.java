package io.ferrymq.openwire;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ActiveMQ's consumer dispatch options with the ActiveMQ JMS client: {@code consumer.priority},
 * {@code consumer.exclusive} and message groups that stay with their consumer while it lives.
 */
class OpenwireConsumerDispatchTest {

    private static EmbeddedOpenwireBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedOpenwireBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static String queueName(String prefix) {
        return prefix + "." + UUID.randomUUID();
    }

    private static void send(Session s, String queue, String group, String... bodies) throws JMSException {
        MessageProducer p = s.createProducer(s.createQueue(queue));
        for (String body : bodies) {
            TextMessage m = s.createTextMessage(body);
            if (group != null) {
                m.setStringProperty("JMSXGroupID", group);
            }
            p.send(m);
        }
        p.close();
    }

    private static List<String> receive(MessageConsumer c, int n) throws JMSException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Message m = c.receive(10_000);
            assertThat(m).as("message %d of %d", i + 1, n).isNotNull();
            got.add(((TextMessage) m).getText());
        }
        return got;
    }

    @Test
    void theHigherPriorityConsumerFillsItsPrefetchBeforeTheLowerOneGetsAnything() throws Exception {
        String q = queueName("prio");
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session producer = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer low = c.createSession(false, Session.AUTO_ACKNOWLEDGE)
                    .createConsumer(producer.createQueue(q + "?consumer.prefetchSize=10"));
            MessageConsumer high = c.createSession(false, Session.AUTO_ACKNOWLEDGE)
                    .createConsumer(producer.createQueue(q + "?consumer.priority=9&consumer.prefetchSize=2"));

            send(producer, q, null, "m1", "m2", "m3", "m4", "m5");

            assertThat(receive(low, 3)).containsExactly("m3", "m4", "m5");
            assertThat(receive(high, 2)).containsExactly("m1", "m2");
        }
    }

    @Test
    void theExclusiveConsumerGetsEverythingAndTheNextExclusiveOneTakesOver() throws Exception {
        String q = queueName("exclusive");
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session producer = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer first = c.createSession(false, Session.AUTO_ACKNOWLEDGE)
                    .createConsumer(producer.createQueue(q + "?consumer.exclusive=true"));
            MessageConsumer plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE)
                    .createConsumer(producer.createQueue(q));
            MessageConsumer second = c.createSession(false, Session.AUTO_ACKNOWLEDGE)
                    .createConsumer(producer.createQueue(q + "?consumer.exclusive=true"));

            send(producer, q, null, "m1", "m2", "m3");
            assertThat(receive(first, 3)).containsExactly("m1", "m2", "m3");

            first.close();
            send(producer, q, null, "m4", "m5");
            assertThat(receive(second, 2)).containsExactly("m4", "m5");
            assertThat(plain.receiveNoWait()).as("a non-exclusive consumer waits while an exclusive one lives")
                    .isNull();

            second.close();
            send(producer, q, null, "m6");
            assertThat(receive(plain, 1)).containsExactly("m6");
        }
    }

    @Test
    void aGroupStaysWithItsConsumerUntilItClosesAndTheNewOwnerIsTold() throws Exception {
        String q = queueName("groups");
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session producer = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session s1 = c.createSession(true, Session.SESSION_TRANSACTED);
            Session s2 = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer c1 = s1.createConsumer(s1.createQueue(q));
            MessageConsumer c2 = s2.createConsumer(s2.createQueue(q));

            send(producer, q, "A", "A1");
            send(producer, q, "B", "B1");
            Message a1 = c1.receive(10_000);
            Message b1 = c2.receive(10_000);
            assertThat(((TextMessage) a1).getText()).isEqualTo("A1");
            assertThat(((TextMessage) b1).getText()).isEqualTo("B1");
            assertThat(a1.getBooleanProperty("JMSXGroupFirstForConsumer")).isTrue();
            s1.commit();
            s2.commit();

            // Nothing is in flight now: round-robin alone would give B2 to c1 and A2 to c2.
            send(producer, q, "B", "B2");
            send(producer, q, "A", "A2");
            Message b2 = c2.receive(10_000);
            Message a2 = c1.receive(10_000);
            assertThat(((TextMessage) b2).getText()).isEqualTo("B2");
            assertThat(((TextMessage) a2).getText()).isEqualTo("A2");
            assertThat(a2.getBooleanProperty("JMSXGroupFirstForConsumer")).isFalse();
            s1.commit();
            s2.commit();

            c1.close();
            send(producer, q, "A", "A3");
            Message a3 = c2.receive(10_000);
            assertThat(((TextMessage) a3).getText()).isEqualTo("A3");
            assertThat(a3.getBooleanProperty("JMSXGroupFirstForConsumer")).as("c2 has just taken group A over")
                    .isTrue();
            s2.commit();
        }
    }
}
