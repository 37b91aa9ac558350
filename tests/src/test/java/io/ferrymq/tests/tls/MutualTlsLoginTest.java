package io.ferrymq.tests.tls;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultSaslConfig;
import com.rabbitmq.client.GetResponse;
import io.ferrymq.transport.testing.TestTls;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Mutual TLS: a client certificate from the configured CA logs its client in as the broker user it maps to, with no
 * password: SASL EXTERNAL in AMQP 1.0 and 0-9-1, a CONNECT without password in MQTT and STOMP. The user
 * {@code app1} may only use {@code mtls.#}, so what the client may do shows whom it was logged in as.
 */
class MutualTlsLoginTest {

    @TempDir
    static Path dir;

    private static TlsBroker broker;
    private static Path app1;
    private static Path stranger;

    @BeforeAll
    static void start() throws Exception {
        broker = TlsBroker.start(dir, """
                  client-ca: %s
                  client-auth: optional
                  client-users:
                    - {subject: "CN=([a-z0-9]+),O=FerryMQ tests", user: "$1"}
                """.formatted(dir.resolve("ca.pem")), """
                security:
                  users:
                    - {name: app1, password: not-used-here, roles: [apps]}
                  permissions:
                    - {roles: [apps], vhost: "*", match: "mtls.#", actions: [send, consume, create]}
                """);
        app1 = broker.tls.clientKeyStore("CN=app1,O=FerryMQ tests");
        stranger = broker.tls.clientKeyStore("CN=nobody,O=FerryMQ tests");
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static String qpidUri(Path keyStore) {
        return "amqps://127.0.0.1:" + broker.port("amqps") + "?transport.trustStoreLocation="
                + broker.tls.trustStore() + "&transport.trustStorePassword=" + TestTls.STORE_PASSWORD
                + "&transport.trustStoreType=PKCS12&transport.keyStoreLocation=" + keyStore
                + "&transport.keyStorePassword=" + TestTls.STORE_PASSWORD + "&transport.keyStoreType=PKCS12";
    }

    @Test
    void qpidJmsLogsInWithSaslExternal() throws Exception {
        try (jakarta.jms.Connection c = new JmsConnectionFactory(qpidUri(app1)).createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.Queue q = s.createQueue("mtls.qpid");
            MessageConsumer consumer = s.createConsumer(q);
            s.createProducer(q).send(s.createTextMessage("as app1"));
            assertThat(((TextMessage) consumer.receive(30_000)).getText()).isEqualTo("as app1");
            jakarta.jms.Queue elsewhere = s.createQueue("other.qpid");
            assertThatThrownBy(() -> s.createProducer(elsewhere).send(s.createTextMessage("x")))
                    .isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    void certificateOfAnUnconfiguredUserIsRefused() {
        assertThatThrownBy(() -> new JmsConnectionFactory(qpidUri(stranger)).createConnection().start())
                .isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void rabbitMqClientLogsInWithSaslExternal() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port("amqps"));
        f.useSslProtocol(broker.tls.clientContext(app1));
        f.setSaslConfig(DefaultSaslConfig.EXTERNAL);
        f.setConnectionTimeout(30_000);
        try (Connection c = f.newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("mtls.rabbit", false, false, false, null);
            ch.basicPublish("", "mtls.rabbit", null, "as app1".getBytes(StandardCharsets.UTF_8));
            GetResponse r = await().atMost(Duration.ofSeconds(30)).until(() -> ch.basicGet("mtls.rabbit", true),
                    java.util.Objects::nonNull);
            assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("as app1");
            // The channel a refusal closes is not the one try-with-resources closes.
            Channel other = c.createChannel();
            assertThatThrownBy(() -> other.queueDeclare("other.rabbit", false, false, false, null))
                    .isInstanceOf(IOException.class);
        }
        ConnectionFactory noCertificate = new ConnectionFactory();
        noCertificate.setHost("127.0.0.1");
        noCertificate.setPort(broker.port("amqps"));
        noCertificate.useSslProtocol(broker.tls.clientContext());
        noCertificate.setSaslConfig(DefaultSaslConfig.EXTERNAL);
        assertThatThrownBy(noCertificate::newConnection).isInstanceOf(IOException.class);
    }

    @Test
    void pahoConnectsWithoutPassword() throws Exception {
        MqttClient c = new MqttClient("ssl://127.0.0.1:" + broker.port("mqtts"), "mtls-paho", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setSocketFactory(broker.tls.clientContext(app1).getSocketFactory());
        c.connect(o);
        try {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            c.subscribe("mtls/paho", 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
            c.publish("mtls/paho", new MqttMessage("as app1".getBytes(StandardCharsets.UTF_8)));
            assertThat(got.poll(30, TimeUnit.SECONDS)).isEqualTo("as app1");
        } finally {
            c.disconnect();
            c.close();
        }
        MqttClient anonymous = new MqttClient("ssl://127.0.0.1:" + broker.port("mqtts"), "mtls-none",
                new MemoryPersistence());
        MqttConnectOptions none = new MqttConnectOptions();
        none.setSocketFactory(broker.tls.clientContext().getSocketFactory());
        assertThatThrownBy(() -> anonymous.connect(none)).isInstanceOf(MqttException.class);
        anonymous.close();
    }

    @Test
    void stompConnectsWithoutPasscode() throws Exception {
        assertThat(stompConnect(broker.tls.clientContext(app1))).startsWith("CONNECTED");
        assertThat(stompConnect(broker.tls.clientContext())).startsWith("ERROR");
    }

    private static String stompConnect(SSLContext context) throws IOException {
        try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", broker.port("stomps"))) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write("CONNECT\naccept-version:1.2\nhost:localhost\n\n\0"
                    .getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            for (int b = in.read(); b > 0; b = in.read()) {
                frame.write(b);
            }
            return frame.toString(StandardCharsets.UTF_8);
        }
    }
}
