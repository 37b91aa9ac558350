package io.ferrymq.openwire;

import io.ferrymq.transport.ListenerConfig;
import io.ferrymq.transport.testing.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ActiveMQ's {@code failover:} transport across a broker restart on the same journal: the client reconnects,
 * restores its sessions, producers and consumers, and no confirmed persistent message is lost.
 */
class OpenwireFailoverTest {

    @Test
    void aFailoverClientCarriesOnAcrossABrokerRestartWithoutLosingConfirmedMessages(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        EmbeddedBroker first = start(dir, port);
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("admin", "secret",
                "failover:(tcp://127.0.0.1:" + port + ")?initialReconnectDelay=50&maxReconnectDelay=500");
        List<String> received = new ArrayList<>();
        try (Connection c = f.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue q = s.createQueue("failover.q");
            MessageProducer p = s.createProducer(q);
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            MessageConsumer consumer = s.createConsumer(q);
            for (int i = 0; i < 20; i++) {
                p.send(s.createTextMessage("before " + i));
            }
            for (int i = 0; i < 10; i++) {
                TextMessage m = (TextMessage) consumer.receive(10_000);
                received.add(m.getText());
                m.acknowledge();
            }
            first.close();
            EmbeddedBroker second = start(dir, port);
            try {
                // Blocks while the transport reconnects, then goes to the restarted broker.
                for (int i = 0; i < 20; i++) {
                    p.send(s.createTextMessage("after " + i));
                }
                while (received.size() < 40) {
                    TextMessage m = (TextMessage) consumer.receive(20_000);
                    assertThat(m).as("message %d of 40 (got %s)", received.size(), received).isNotNull();
                    if (!received.contains(m.getText())) {
                        received.add(m.getText());
                    }
                    m.acknowledge();
                }
            } finally {
                c.close();
                second.close();
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("before " + i);
        }
        for (int i = 0; i < 20; i++) {
            expected.add("after " + i);
        }
        assertThat(received).containsAll(expected);
    }

    private static EmbeddedBroker start(Path dir, int port) {
        return EmbeddedBroker.builder()
                .protocol(b -> new OpenwireProtocol(b, OpenwireSettings.defaults()))
                .listener(ListenerConfig.tcp("openwire", "127.0.0.1", port, OpenwireProtocol.NAME))
                .durable(dir)
                .start();
    }
}
