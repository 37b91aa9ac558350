package io.ferrymq.tests.tls;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.ferrymq.transport.testing.TestTls;
import org.apache.activemq.ActiveMQSslConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each protocol's real client over TLS to the listeners of {@code conf/examples/tls.yaml}, trusting only the test
 * CA (as a client would trust {@code conf/tls/ca.pem}), with host name verification on.
 */
class TlsClientsTest {

    @TempDir
    static Path dir;

    private static TlsBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TlsBroker.start(dir, "", "");
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static TestTls tls() {
        return broker.tls;
    }

    @Test
    void pahoOverSsl() throws Exception {
        assertThat(mqttRoundTrip("ssl://127.0.0.1:" + broker.port("mqtts"), "tls/paho")).isEqualTo("over ssl://");
    }

    @Test
    void pahoOverWss() throws Exception {
        assertThat(mqttRoundTrip("wss://127.0.0.1:" + broker.port("wss") + "/mqtt", "tls/wss")).isEqualTo("over ssl://");
    }

    @Test
    void pahoOverTlsOnTheUnifiedPort() throws Exception {
        assertThat(mqttRoundTrip("ssl://127.0.0.1:" + broker.port("unified"), "tls/unified")).isEqualTo("over ssl://");
    }

    private static String mqttRoundTrip(String uri, String topic) throws Exception {
        MqttClient c = new MqttClient(uri, "paho-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions o = options();
        c.connect(o);
        try {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            c.subscribe(topic, 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
            c.publish(topic, new MqttMessage("over ssl://".getBytes(StandardCharsets.UTF_8)));
            return got.poll(30, TimeUnit.SECONDS);
        } finally {
            c.disconnect();
            c.close();
        }
    }

    private static MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName("guest");
        o.setPassword("guest".toCharArray());
        o.setSocketFactory(tls().clientContext().getSocketFactory());
        o.setHttpsHostnameVerificationEnabled(true);
        o.setConnectionTimeout(30);
        return o;
    }

    @Test
    void mosquittoPubWithCafile() throws Exception {
        MqttClient sub = new MqttClient("ssl://127.0.0.1:" + broker.port("mqtts"), "sub-" + System.nanoTime(),
                new MemoryPersistence());
        sub.connect(options());
        try {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            sub.subscribe("tls/mosquitto", 1, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
            Process p = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p",
                    Integer.toString(broker.port("mqtts")), "--cafile", tls().caPem().toString(), "-u", "guest",
                    "-P", "guest", "-q", "1", "-t", "tls/mosquitto", "-m", "from mosquitto_pub")
                    .redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
            assertThat(got.poll(30, TimeUnit.SECONDS)).isEqualTo("from mosquitto_pub");
        } finally {
            sub.disconnect();
            sub.close();
        }
    }

    @Test
    void qpidJmsOverAmqps() throws Exception {
        String uri = "amqps://127.0.0.1:" + broker.port("amqps") + "?transport.trustStoreLocation="
                + tls().trustStore() + "&transport.trustStorePassword=" + TestTls.STORE_PASSWORD
                + "&transport.trustStoreType=PKCS12&transport.verifyHost=true";
        try (jakarta.jms.Connection c = new JmsConnectionFactory("guest", "guest", uri).createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.Queue q = s.createQueue("tls.qpid");
            MessageConsumer consumer = s.createConsumer(q);
            s.createProducer(q).send(s.createTextMessage("over amqps://"));
            TextMessage m = (TextMessage) consumer.receive(30_000);
            assertThat(m).isNotNull();
            assertThat(m.getText()).isEqualTo("over amqps://");
        }
    }

    @Test
    void rabbitMqClientWithSslProtocol() throws Exception {
        ConnectionFactory f = rabbit(broker.port("amqps"));
        f.useSslProtocol(tls().clientContext());
        f.enableHostnameVerification();
        try (Connection c = f.newConnection(); Channel ch = c.createChannel()) {
            String q = ch.queueDeclare("tls.rabbit", false, false, false, null).getQueue();
            ch.confirmSelect();
            ch.basicPublish("", q, null, "over amqps (0-9-1)".getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(30_000);
            GetResponse r = ch.basicGet(q, true);
            assertThat(r).isNotNull();
            assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("over amqps (0-9-1)");
        }
    }

    @Test
    void plaintextAmqpClientOnTheTlsPortIsRefused() {
        ConnectionFactory f = rabbit(broker.port("amqps"));
        assertThatThrownBy(f::newConnection).isInstanceOf(IOException.class);
    }

    @Test
    void clientThatDoesNotTrustTheCaRefusesTheBroker() throws Exception {
        TestTls stranger = TestTls.create(Files.createDirectory(dir.resolve("stranger")));
        ConnectionFactory f = rabbit(broker.port("amqps"));
        f.useSslProtocol(stranger.clientContext());
        assertThatThrownBy(f::newConnection).hasStackTraceContaining("PKIX path");
    }

    private static ConnectionFactory rabbit(int port) {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        f.setUsername("guest");
        f.setPassword("guest");
        f.setConnectionTimeout(30_000);
        f.setHandshakeTimeout(30_000);
        return f;
    }

    @Test
    void activeMqClientOverSsl() throws Exception {
        ActiveMQSslConnectionFactory f = new ActiveMQSslConnectionFactory(
                "ssl://127.0.0.1:" + broker.port("openwire-ssl") + "?socket.verifyHostName=true");
        f.setTrustStore(tls().trustStore().toUri().toString());
        f.setTrustStorePassword(TestTls.STORE_PASSWORD);
        f.setTrustStoreType("PKCS12");
        try (jakarta.jms.Connection c = f.createConnection("guest", "guest")) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.Queue q = s.createQueue("tls.openwire");
            MessageConsumer consumer = s.createConsumer(q);
            s.createProducer(q).send(s.createTextMessage("over ssl:// (OpenWire)"));
            TextMessage m = (TextMessage) consumer.receive(30_000);
            assertThat(m).isNotNull();
            assertThat(m.getText()).isEqualTo("over ssl:// (OpenWire)");
        }
    }

    @Test
    void stompPyWithSsl() throws Exception {
        String script = """
                import sys, time, stomp
                port = int(sys.argv[1]); ca = sys.argv[2]
                got = []
                class L(stomp.ConnectionListener):
                    def on_message(self, frame):
                        got.append(frame.body)
                c = stomp.Connection([('127.0.0.1', port)])
                c.set_ssl(for_hosts=[('127.0.0.1', port)], ca_certs=ca)
                c.set_listener('l', L())
                c.connect('guest', 'guest', wait=True)
                c.subscribe('/queue/tls.stomp', id=1, ack='auto', headers={'receipt': 'sub'})
                time.sleep(0.5)
                c.send('/queue/tls.stomp', 'over stomp+ssl')
                deadline = time.time() + 30
                while not got and time.time() < deadline:
                    time.sleep(0.05)
                c.disconnect()
                print(got[0] if got else 'NOTHING')
                """;
        // Debian's python3-stomp lives under /usr/bin/python3, which a pyenv python3 on the PATH cannot see.
        Path py = dir.resolve("stomp_tls.py");
        Files.writeString(py, script);
        Process p = new ProcessBuilder("/usr/bin/python3", py.toString(), Integer.toString(broker.port("stomps")),
                tls().caPem().toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.strip()).endsWith("over stomp+ssl");
    }

    @Test
    void awsSdkSqsOverHttps() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", tls().ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        try (SqsClient sqs = SqsClient.builder()
                .endpointOverride(URI.create("https://localhost:" + broker.port("aws-https")))
                .region(Region.US_EAST_1)
                .credentialsProvider(io.ferrymq.tests.matrix.MatrixBroker.credentials())
                .httpClientBuilder(ApacheHttpClient.builder().tlsTrustManagersProvider(tmf::getTrustManagers)
                        .socketTimeout(Duration.ofSeconds(60)))
                .build()) {
            String url = sqs.createQueue(b -> b.queueName("tls-sqs")).queueUrl();
            assertThat(url).startsWith("https://localhost:" + broker.port("aws-https") + "/");
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("over https"));
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(10)).messages();
            assertThat(got).extracting(Message::body).containsExactly("over https");
        }
    }
}
