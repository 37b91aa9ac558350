package io.ferrymq.server;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.RedeliveryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Path;

import static io.ferrymq.server.FerryServerTest.config;
import static io.ferrymq.server.FerryServerTest.exchange;
import static io.ferrymq.server.FerryServerTest.loggedIn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where an ActiveMQ client's dead letters go with the shipped configuration: the broker's one dead-letter queue,
 * {@code DLQ}, readable over OpenWire and STOMP; with the README's one policy line, ActiveMQ's {@code ActiveMQ.DLQ}.
 */
class OpenwireDeadLetterQueueTest {

    private static final String LISTENERS = """
            security:
              password-iterations: 1000
            listeners:
              - name: openwire
                protocols: [openwire]
                port: 0
              - name: stomp
                protocols: [stomp]
                port: 0
            """;

    /** Sends one message to {@code queue} and rolls its delivery back until the client gives up on it. */
    private static void poison(int port, String queue, String body) throws Exception {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("guest", "guest", "tcp://127.0.0.1:" + port);
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(2);
        policy.setInitialRedeliveryDelay(0);
        policy.setRedeliveryDelay(0);
        f.setRedeliveryPolicy(policy);
        try (Connection c = f.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue q = s.createQueue(queue);
            s.createProducer(q).send(s.createTextMessage(body));
            s.commit();
            MessageConsumer consumer = s.createConsumer(q);
            for (int attempt = 0; attempt < 3; attempt++) {
                assertThat(consumer.receive(10_000)).as("delivery %d", attempt + 1).isNotNull();
                s.rollback();
            }
            // Past the maximum redeliveries the client sends a poison acknowledgement: nothing more comes.
            assertThat(consumer.receive(300)).isNull();
        }
    }

    private static String readOverOpenwire(int port, String queue) throws Exception {
        try (Connection c = new ActiveMQConnectionFactory("guest", "guest", "tcp://127.0.0.1:" + port).createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Message m = s.createConsumer(s.createQueue(queue)).receive(10_000);
            assertThat(m).as("a message in %s", queue).isNotNull();
            // Rolled back: it stays for the STOMP reader.
            s.rollback();
            return ((TextMessage) m).getText();
        }
    }

    @Test
    void byDefaultAnOpenwireClientsDeadLettersGoToTheBrokersDlqReadableOverOpenwireAndStomp(@TempDir Path dir)
            throws Exception {
        try (FerryServer server = FerryServer.start(config(dir, LISTENERS))) {
            int openwire = server.listeners().get("openwire").getPort();
            poison(openwire, "orders.default", "poison-1");

            assertThat(readOverOpenwire(openwire, "DLQ")).isEqualTo("poison-1");
            assertThat(server.broker().vhost("/").queue("ActiveMQ.DLQ")).isNull();
            try (Socket s = loggedIn(server.listeners().get("stomp").getPort(), "guest", "guest")) {
                String m = exchange(s, "SUBSCRIBE\nid:0\ndestination:/queue/DLQ\n\n\0");
                assertThat(m).startsWith("MESSAGE").contains("x-death-queue:orders.default").endsWith("poison-1");
            }
        }
    }

    @Test
    void theReadmesPolicyLineKeepsActivemqsDlqName(@TempDir Path dir) throws Exception {
        String yaml = LISTENERS + """
                policies:
                  - match: "#"
                    dead-letter-queue: ActiveMQ.DLQ
                """;
        try (FerryServer server = FerryServer.start(config(dir, yaml))) {
            int openwire = server.listeners().get("openwire").getPort();
            poison(openwire, "orders.legacy", "poison-2");

            assertThat(readOverOpenwire(openwire, "ActiveMQ.DLQ")).isEqualTo("poison-2");
            assertThat(server.broker().vhost("/").queue("DLQ")).isNull();
        }
    }
}
