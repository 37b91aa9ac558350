package io.ferrymq.server;

import io.ferrymq.server.config.ConfigException;
import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.server.config.FerryConfig;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FerryServerTest {

    static FerryConfig config(Path dir, String yaml) throws Exception {
        Path f = dir.resolve("broker.yaml");
        Files.writeString(f, yaml + "\nstorage:\n  data-dir: " + dir.resolve("data") + "\n");
        return new ConfigLoader().load(f);
    }

    private static final String FREE_PORTS = """
            security:
              password-iterations: 1000
            listeners:
              - name: stomp
                protocols: [stomp]
                port: 0
              - name: mqtt
                protocols: [mqtt]
                port: 0
              - name: amqp
                protocols: [amqp]
                port: 0
              - name: unified
                protocols: [stomp, mqtt, amqp]
                port: 0
              - name: ws
                protocols: [stomp]
                port: 0
                websocket: true
              - name: aws
                protocols: [aws]
                port: 0
            """;

    @Test
    void guestConnectsFromLoopbackOverEveryListener(@TempDir Path dir) throws Exception {
        try (FerryServer server = FerryServer.start(config(dir, FREE_PORTS))) {
            for (String listener : new String[] {"stomp", "unified"}) {
                int port = server.listeners().get(listener).getPort();
                assertThat(stompConnect(port, "guest", "guest")).startsWith("CONNECTED");
                assertThat(stompConnect(port, "guest", "nope")).startsWith("ERROR");
            }
            assertThat(server.broker().vhost("/")).isNotNull();
        }
    }

    @Test
    void mqttClientsWorkOnTheirListenerAndOnTheUnifiedPort(@TempDir Path dir) throws Exception {
        try (FerryServer server = FerryServer.start(config(dir, FREE_PORTS))) {
            for (String listener : new String[] {"mqtt", "unified"}) {
                String uri = "tcp://127.0.0.1:" + server.listeners().get(listener).getPort();
                MqttConnectOptions options = new MqttConnectOptions();
                options.setUserName("guest");
                options.setPassword("guest".toCharArray());
                try (MqttClient client = new MqttClient(uri, "server-test-" + listener, new MemoryPersistence())) {
                    BlockingQueue<String> received = new LinkedBlockingQueue<>();
                    client.connect(options);
                    client.subscribe("greetings/+", 1, (topic, m) -> received.add(topic + "=" + new String(m.getPayload(),
                            StandardCharsets.UTF_8)));
                    client.publish("greetings/" + listener, "hello".getBytes(StandardCharsets.UTF_8), 1, false);
                    assertThat(received.poll(20, TimeUnit.SECONDS)).isEqualTo("greetings/" + listener + "=hello");
                    client.disconnect();
                }
            }
        }
    }

    @Test
    void aBadMqttSettingIsReportedWithItsName(@TempDir Path dir) throws Exception {
        FerryConfig c = config(dir, FREE_PORTS + "mqtt:\n  receive-maximum: 0\n");
        assertThatThrownBy(() -> FerryServer.start(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqtt").hasMessageContaining("receive maximum");
        FerryConfig fractional = config(dir, FREE_PORTS + "mqtt:\n  max-keep-alive: 1500ms\n");
        assertThatThrownBy(() -> FerryServer.start(fractional)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqtt.max-keep-alive");
    }

    @Test
    void aBadAmqpSettingIsReportedWithItsName(@TempDir Path dir) throws Exception {
        FerryConfig c = config(dir, FREE_PORTS + "amqp:\n  consumer-window: 0\n");
        assertThatThrownBy(() -> FerryServer.start(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("amqp").hasMessageContaining("consumer window must be at least 1");
    }

    @Test
    void sqsClientsWorkOnTheAwsListenerAndShareQueuesWithStomp(@TempDir Path dir) throws Exception {
        try (FerryServer server = FerryServer.start(config(dir, FREE_PORTS));
             SqsClient sqs = SqsClient.builder()
                     .endpointOverride(URI.create("http://127.0.0.1:" + server.listeners().get("aws").getPort()))
                     .region(Region.US_EAST_1).httpClientBuilder(ApacheHttpClient.builder())
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                     .build()) {
            String url = sqs.createQueue(b -> b.queueName("orders")).queueUrl();
            assertThat(url).endsWith("/000000000000/orders");
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("from sqs"));
            assertThat(server.broker().vhost("/").queue("orders")).isNotNull();
            int port = server.listeners().get("stomp").getPort();
            try (Socket s = loggedIn(port, "guest", "guest")) {
                assertThat(exchange(s, "SUBSCRIBE\nid:0\ndestination:/queue/orders\n\n\0"))
                        .startsWith("MESSAGE").endsWith("from sqs");
            }
        }
    }

    @Test
    void anAccessKeyForAnUnknownUserIsReported(@TempDir Path dir) throws Exception {
        FerryConfig c = config(dir, FREE_PORTS + """
                aws:
                  strict-signatures: true
                  access-keys:
                    - {id: AKIATEST, secret: s3cret, user: nobody}
                """);
        assertThatThrownBy(() -> FerryServer.start(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("aws.access-keys").hasMessageContaining("nobody");
    }

    @Test
    void jmsClientsWorkOverAmqpOnTheirListenerAndOnTheUnifiedPort(@TempDir Path dir) throws Exception {
        try (FerryServer server = FerryServer.start(config(dir, FREE_PORTS))) {
            for (String listener : new String[] {"amqp", "unified"}) {
                JmsConnectionFactory factory = new JmsConnectionFactory("guest", "guest",
                        "amqp://127.0.0.1:" + server.listeners().get(listener).getPort());
                try (JMSContext jms = factory.createContext()) {
                    Queue queue = jms.createQueue("jobs-" + listener);
                    jms.createProducer().send(queue, "over " + listener);
                    assertThat(jms.createConsumer(queue).receiveBody(String.class, 20_000)).isEqualTo("over " + listener);
                }
            }
        }
    }

    @Test
    void anonymousAmqpWithoutAnAnonymousUserIsReported(@TempDir Path dir) throws Exception {
        FerryConfig c = config(dir, FREE_PORTS + "amqp:\n  allow-anonymous: true\n");
        assertThatThrownBy(() -> FerryServer.start(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("security.anonymous-user");
    }

    @Test
    void busyPortIsReportedWithTheListenerName(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String yaml = "security:\n  password-iterations: 1000\nlisteners:\n  - name: clash\n    protocols: [stomp]\n"
                    + "    port: " + taken.getLocalPort() + "\n";
            FerryConfig c = config(dir, yaml);
            assertThatThrownBy(() -> FerryServer.start(c)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("listener 'clash'").hasMessageContaining(Integer.toString(taken.getLocalPort()));
        }
    }

    @Test
    void unknownProtocolIsReported(@TempDir Path dir) throws Exception {
        FerryConfig c = config(dir, "security:\n  password-iterations: 1000\nlisteners:\n  - name: x\n"
                + "    protocols: [carrier-pigeon]\n    port: 0\n");
        assertThatThrownBy(() -> FerryServer.start(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("carrier-pigeon").hasMessageContaining("available: amqp, amqp091, aws, management, mqtt, openwire, stomp");
    }

    @Test
    void policiesAndUsersFromConfigurationApply(@TempDir Path dir) throws Exception {
        String yaml = FREE_PORTS.replace("  password-iterations: 1000\n", """
                  password-iterations: 1000
                  users:
                    - name: app
                      password: app-secret
                      roles: [apps]
                  permissions:
                    - roles: [apps]
                      match: "jobs.#"
                      actions: [send, consume, create]
                """) + """
                policies:
                  - match: "jobs.#"
                    max-length: 1
                    overflow: reject-publish
                """;
        try (FerryServer server = FerryServer.start(config(dir, yaml))) {
            int port = server.listeners().get("stomp").getPort();
            assertThat(stompConnect(port, "guest", "guest")).startsWith("ERROR");
            try (Socket s = loggedIn(port, "app", "app-secret")) {
                assertThat(exchange(s, "SEND\ndestination:/queue/jobs.a\nreceipt:1\n\none\0")).startsWith("RECEIPT");
                assertThat(exchange(s, "SEND\ndestination:/queue/jobs.a\nreceipt:2\n\ntwo\0"))
                        .startsWith("ERROR").contains("is full");
            }
        }
    }

    @Test
    void persistentMessagesSurviveARestartOfTheServer(@TempDir Path dir) throws Exception {
        FerryConfig c = config(dir, FREE_PORTS);
        try (FerryServer server = FerryServer.start(c)) {
            int port = server.listeners().get("stomp").getPort();
            try (Socket s = loggedIn(port, "guest", "guest")) {
                assertThat(exchange(s, "SEND\ndestination:/queue/kept\npersistent:true\nreceipt:1\n\nsurvivor\0"))
                        .startsWith("RECEIPT");
                assertThat(exchange(s, "SEND\ndestination:/queue/kept\nreceipt:2\n\nnot persistent\0"))
                        .startsWith("RECEIPT");
            }
        }
        try (FerryServer server = FerryServer.start(c)) {
            int port = server.listeners().get("stomp").getPort();
            try (Socket s = loggedIn(port, "guest", "guest")) {
                String m = exchange(s, "SUBSCRIBE\nid:0\ndestination:/queue/kept\n\n\0");
                assertThat(m).startsWith("MESSAGE").endsWith("survivor");
            }
            assertThat(server.broker().vhost("/").queue("kept").exactStats().join().total()).isZero();
        }
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefused(@TempDir Path dir) throws Exception {
        FerryConfig c = config(dir, FREE_PORTS);
        try (FerryServer first = FerryServer.start(c)) {
            assertThatThrownBy(() -> FerryServer.start(c)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("in use by another broker");
        }
    }

    static String stompConnect(int port, String user, String password) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("CONNECT\naccept-version:1.2\nlogin:" + user + "\npasscode:" + password
                    + "\n\n\0").getBytes(StandardCharsets.UTF_8));
            return readFrame(s.getInputStream());
        }
    }

    /** A raw STOMP 1.2 connection whose CONNECT was answered with CONNECTED. */
    static Socket loggedIn(int port, String user, String password) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("CONNECT\naccept-version:1.2\nlogin:" + user + "\npasscode:" + password
                + "\n\n\0").getBytes(StandardCharsets.UTF_8));
        assertThat(readFrame(s.getInputStream())).startsWith("CONNECTED");
        return s;
    }

    /** Writes a whole frame (NUL included) and reads the broker's next frame. */
    static String exchange(Socket s, String frame) throws Exception {
        s.getOutputStream().write(frame.getBytes(StandardCharsets.UTF_8));
        return readFrame(s.getInputStream());
    }

    static String readFrame(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) > 0) {
            sb.append((char) b);
        }
        return sb.toString().stripLeading();
    }
}
