package io.ferrymq.openwire;

import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The handshake: WireFormatInfo negotiation in each encoding and version, the login, and its refusal. */
class OpenwireConnectTest {

    private static EmbeddedOpenwireBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedOpenwireBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @ParameterizedTest(name = "version {0}, tight {1}, cache {2}")
    @CsvSource({"12,true,true", "12,false,false", "12,true,false", "12,false,true", "11,true,true", "10,false,true", "9,true,true",
            "1,false,false"})
    void aClientConnectsAndExchangesAMessageInEveryEncoding(int version, boolean tight, boolean cache) throws Exception {
        ActiveMQConnectionFactory f = broker.factory("?wireFormat.version=" + version + "&wireFormat.tightEncodingEnabled="
                + tight + "&wireFormat.cacheEnabled=" + cache);
        String queue = "connect.v" + version + "." + tight + "." + cache;
        try (Connection c = f.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            MessageProducer producer = s.createProducer(s.createQueue(queue));
            for (int i = 0; i < 3; i++) {
                producer.send(s.createTextMessage("hello " + i));
            }
            for (int i = 0; i < 3; i++) {
                TextMessage m = (TextMessage) consumer.receive(10_000);
                assertThat(m).as("message %d", i).isNotNull();
                assertThat(m.getText()).isEqualTo("hello " + i);
            }
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithAJmsSecurityException() {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("admin", "wrong", broker.url());
        assertThatThrownBy(() -> {
            try (Connection c = f.createConnection()) {
                c.start();
            }
        }).isInstanceOf(JMSSecurityException.class).hasMessageContaining("admin");
    }

    @Test
    void anUnknownUserIsRefused() {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("nobody", "x", broker.url());
        assertThatThrownBy(() -> {
            try (Connection c = f.createConnection()) {
                c.start();
            }
        }).isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void aUserWithoutPermissionCannotSendThere() throws Exception {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("limited", "secret", broker.url());
        try (Connection c = f.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("forbidden.q"));
            assertThatThrownBy(() -> p.send(s.createTextMessage("x")))
                    .isInstanceOf(JMSSecurityException.class).hasMessageContaining("forbidden.q");
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("forbidden.q")))
                    .isInstanceOf(JMSSecurityException.class);
            MessageProducer allowed = s.createProducer(s.createQueue("allowed.q"));
            allowed.send(s.createTextMessage("fine"));
            assertThat(((TextMessage) s.createConsumer(s.createQueue("allowed.q")).receive(10_000)).getText())
                    .isEqualTo("fine");
        }
    }
}
