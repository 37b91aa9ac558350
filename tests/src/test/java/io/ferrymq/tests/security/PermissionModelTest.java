package io.ferrymq.tests.security;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.vhost.QueueDeclaration;
import io.ferrymq.server.FerryServer;
import io.ferrymq.tests.support.RawStomp;
import io.ferrymq.server.config.ConfigLoader;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.AuthorizationErrorException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One permission model, the core's, gives the same answers over every protocol: the user {@code orders} may send to
 * {@code orders.#} and consume from {@code orders.eu}, and nothing else. Each protocol asks the same six questions
 * in its own terms (a queue, a topic on {@code amq.topic} for MQTT, an SNS topic of the same dotted name) and hears
 * its own refusal.
 */
class PermissionModelTest {

    /** The answers every protocol must give. */
    private static final Map<String, Boolean> EXPECTED = answers(true, true, false, true, false, false);

    @TempDir
    static Path dir;

    private static FerryServer server;

    @BeforeAll
    static void start() throws Exception {
        Path file = dir.resolve("broker.yaml");
        Files.writeString(file, """
                storage:
                  type: memory
                listeners:
                  - {name: tcp, protocols: [stomp, mqtt, amqp, amqp091, openwire], port: 0}
                  - {name: aws, protocols: [aws], port: 0}
                aws:
                  strict-signatures: true
                  access-keys:
                    - {id: AKIAORDERS, secret: orders-secret, user: orders, account: "000000000000"}
                    - {id: AKIAADMIN, secret: admin-secret, user: admin, account: "000000000000"}
                security:
                  password-iterations: 1000
                  users:
                    - {name: admin, password: admin-secret, roles: [administrator]}
                    - {name: orders, password: orders-secret, roles: [orders]}
                  permissions:
                    - {roles: [administrator], vhost: "*", match: "#", actions: [send, consume, create, delete, manage]}
                    - {roles: [orders], vhost: "/", match: "orders.#", actions: [send]}
                    - {roles: [orders], vhost: "/", match: "orders.eu", actions: [consume]}
                """);
        server = FerryServer.start(new ConfigLoader().load(file));
        Session admin = server.broker().open("/", new ClientInfo(server.broker().newConnectionId(), "test", null,
                "test", null), "admin", "admin-secret", new Inline()).get(30, TimeUnit.SECONDS);
        for (String q : List.of("orders.eu", "orders.us", "payments")) {
            admin.admin().declareQueue(QueueDeclaration.durable(q)).get(30, TimeUnit.SECONDS);
        }
        admin.close();
        // SNS topics of the same names (dots are FerryMQ's extension to SNS names), created by the admin.
        try (SnsClient sns = Sns.client("AKIAADMIN", "admin-secret")) {
            for (String t : List.of("orders.eu", "orders.us", "payments")) {
                assertThat(sns.createTopic(b -> b.name(t)).topicArn()).isEqualTo(Sns.arn(t));
            }
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static List<Probe> protocols() {
        return List.of(new Stomp(), new Mqtt(), new Amqp10(), new Amqp091(), new Openwire(), new Sqs(), new Sns());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void sameRulesGiveTheSameAnswers(Probe p) throws Exception {
        Map<String, Boolean> answers = answers(p.send("orders.eu"), p.send("orders.us"), p.send("payments"),
                p.consume("orders.eu"), p.consume("orders.us"), p.consume("payments"));
        assertThat(answers).as(p.toString()).isEqualTo(EXPECTED);
    }

    /** The rule set grants the user no create: SNS CreateTopic is refused for every name, as a queue declare is. */
    @org.junit.jupiter.api.Test
    void snsCreateTopicIsRefusedWithoutCreatePermission() {
        try (SnsClient sns = Sns.client("AKIAORDERS", "orders-secret")) {
            for (String t : List.of("orders.eu", "orders.new", "payments")) {
                AuthorizationErrorException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                        AuthorizationErrorException.class, () -> sns.createTopic(b -> b.name(t)));
                assertThat(e).as(t).isNotNull();
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AuthorizationError");
            }
        }
    }

    private static Map<String, Boolean> answers(boolean s1, boolean s2, boolean s3, boolean c1, boolean c2,
                                                boolean c3) {
        Map<String, Boolean> m = new LinkedHashMap<>();
        m.put("send orders.eu", s1);
        m.put("send orders.us", s2);
        m.put("send payments", s3);
        m.put("consume orders.eu", c1);
        m.put("consume orders.us", c2);
        m.put("consume payments", c3);
        return m;
    }

    private static int port(String listener) {
        return server.listeners().get(listener).getPort();
    }

    /** One protocol's client asking whether the user may send to or consume from a destination. */
    interface Probe {
        boolean send(String destination) throws Exception;

        boolean consume(String destination) throws Exception;
    }

    /** STOMP frames on a socket: a RECEIPT is yes, an ERROR no. */
    static final class Stomp implements Probe {
        @Override
        public boolean send(String d) throws IOException {
            return ask("SEND\ndestination:/queue/" + d + "\nreceipt:r1\n\nhello\0");
        }

        @Override
        public boolean consume(String d) throws IOException {
            return ask("SUBSCRIBE\ndestination:/queue/" + d + "\nid:1\nreceipt:r1\n\n\0");
        }

        private static boolean ask(String frame) throws IOException {
            try (Socket s = RawStomp.connect(port("tcp"), "orders", "orders-secret")) {
                String reply = RawStomp.ask(s, frame);
                if (reply.startsWith("ERROR")) {
                    assertThat(reply).contains("may not");
                    return false;
                }
                assertThat(reply).startsWith("RECEIPT");
                return true;
            }
        }

        @Override
        public String toString() {
            return "STOMP";
        }
    }

    /** MQTT 5 on topics of amq.topic: a reason code below 0x80 in PUBACK or SUBACK is yes. */
    static final class Mqtt implements Probe {
        @Override
        public boolean send(String d) throws MqttException {
            MqttAsyncClient c = connect();
            try {
                MqttMessage m = new MqttMessage("hello".getBytes(StandardCharsets.UTF_8));
                m.setQos(1);
                IMqttToken t = c.publish(d.replace('.', '/'), m);
                t.waitForCompletion(30_000);
                return t.getReasonCodes() == null || t.getReasonCodes()[0] < 0x80;
            } catch (MqttException e) {
                return false;
            } finally {
                close(c);
            }
        }

        @Override
        public boolean consume(String d) throws MqttException {
            MqttAsyncClient c = connect();
            try {
                IMqttToken t = c.subscribe(new MqttSubscription(d.replace('.', '/'), 1));
                t.waitForCompletion(30_000);
                return t.getReasonCodes()[0] < 0x80;
            } finally {
                close(c);
            }
        }

        private static MqttAsyncClient connect() throws MqttException {
            MqttAsyncClient c = new MqttAsyncClient("tcp://127.0.0.1:" + port("tcp"), "perm-" + System.nanoTime(),
                    new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setUserName("orders");
            o.setPassword("orders-secret".getBytes(StandardCharsets.UTF_8));
            o.setConnectionTimeout(30);
            c.connect(o).waitForCompletion(30_000);
            return c;
        }

        private static void close(MqttAsyncClient c) throws MqttException {
            if (c.isConnected()) {
                c.disconnect().waitForCompletion(30_000);
            }
            c.close();
        }

        @Override
        public String toString() {
            return "MQTT 5";
        }
    }

    /** JMS: a refused link or send is a JMSSecurityException. */
    abstract static class Jms implements Probe {
        abstract Connection connect() throws JMSException;

        @Override
        public boolean send(String d) throws JMSException {
            try (Connection c = connect()) {
                jakarta.jms.Session s = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
                s.createProducer(s.createQueue(d)).send(s.createTextMessage("hello"));
                return true;
            } catch (jakarta.jms.JMSSecurityException e) {
                return false;
            }
        }

        @Override
        public boolean consume(String d) throws JMSException {
            try (Connection c = connect()) {
                jakarta.jms.Session s = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
                s.createConsumer(s.createQueue(d)).close();
                return true;
            } catch (jakarta.jms.JMSSecurityException e) {
                return false;
            }
        }
    }

    static final class Amqp10 extends Jms {
        @Override
        Connection connect() throws JMSException {
            return new JmsConnectionFactory("orders", "orders-secret", "amqp://127.0.0.1:" + port("tcp"))
                    .createConnection();
        }

        @Override
        public String toString() {
            return "AMQP 1.0 (Qpid JMS)";
        }
    }

    static final class Openwire extends Jms {
        @Override
        Connection connect() throws JMSException {
            ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port("tcp"));
            f.setAlwaysSyncSend(true);
            Connection c = f.createConnection("orders", "orders-secret");
            c.start();
            return c;
        }

        @Override
        public String toString() {
            return "OpenWire (ActiveMQ)";
        }
    }

    /** AMQP 0-9-1: a refusal closes the channel with 403 ACCESS_REFUSED. */
    static final class Amqp091 implements Probe {
        @Override
        public boolean send(String d) throws Exception {
            try (com.rabbitmq.client.Connection c = factory().newConnection()) {
                Channel ch = c.createChannel();
                ch.confirmSelect();
                ch.basicPublish("", d, null, "hello".getBytes(StandardCharsets.UTF_8));
                ch.waitForConfirmsOrDie(30_000);
                return true;
            } catch (IOException | com.rabbitmq.client.ShutdownSignalException e) {
                return !refused(e);
            }
        }

        @Override
        public boolean consume(String d) throws Exception {
            try (com.rabbitmq.client.Connection c = factory().newConnection()) {
                Channel ch = c.createChannel();
                ch.basicConsume(d, true, (tag, m) -> { }, tag -> { });
                return true;
            } catch (IOException e) {
                return !refused(e);
            }
        }

        private static boolean refused(Exception e) {
            Throwable t = e;
            while (t != null) {
                if (t instanceof com.rabbitmq.client.ShutdownSignalException s) {
                    return s.getReason() instanceof com.rabbitmq.client.AMQP.Channel.Close close
                            && close.getReplyCode() == 403;
                }
                t = t.getCause();
            }
            return false;
        }

        private static ConnectionFactory factory() {
            ConnectionFactory f = new ConnectionFactory();
            f.setHost("127.0.0.1");
            f.setPort(port("tcp"));
            f.setUsername("orders");
            f.setPassword("orders-secret");
            return f;
        }

        @Override
        public String toString() {
            return "AMQP 0-9-1 (RabbitMQ)";
        }
    }

    /** SQS, signed with the access key of the orders user: a refusal is HTTP 403. */
    static final class Sqs implements Probe {
        @Override
        public boolean send(String d) {
            try (SqsClient sqs = client()) {
                sqs.sendMessage(b -> b.queueUrl(url(d)).messageBody("hello"));
                return true;
            } catch (SqsException e) {
                assertThat(e.statusCode()).isEqualTo(403);
                return false;
            }
        }

        @Override
        public boolean consume(String d) {
            try (SqsClient sqs = client()) {
                sqs.receiveMessage(b -> b.queueUrl(url(d)).waitTimeSeconds(0));
                return true;
            } catch (SqsException e) {
                assertThat(e.statusCode()).isEqualTo(403);
                return false;
            }
        }

        private static String url(String queue) {
            return "http://127.0.0.1:" + port("aws") + "/000000000000/" + queue;
        }

        private static SqsClient client() {
            return SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port("aws")))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("AKIAORDERS", "orders-secret")))
                    .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(60))).build();
        }

        @Override
        public String toString() {
            return "SQS (AWS SDK v2)";
        }
    }

    /**
     * SNS, signed with the access key of the orders user: Publish is send, Subscribe is consume; a refusal is
     * AuthorizationError, HTTP 403. The subscription delivers to the broker topic of the same name (the
     * broker-native endpoint): an SQS queue endpoint would also need create on that queue, for its binding.
     */
    static final class Sns implements Probe {
        @Override
        public boolean send(String d) {
            try (SnsClient sns = client("AKIAORDERS", "orders-secret")) {
                sns.publish(b -> b.topicArn(arn(d)).message("hello"));
                return true;
            } catch (AuthorizationErrorException e) {
                assertThat(e.statusCode()).isEqualTo(403);
                return false;
            }
        }

        @Override
        public boolean consume(String d) {
            try (SnsClient sns = client("AKIAORDERS", "orders-secret")) {
                sns.subscribe(b -> b.topicArn(arn(d)).protocol("ferrymq").endpoint("topic/" + d));
                return true;
            } catch (AuthorizationErrorException e) {
                assertThat(e.statusCode()).isEqualTo(403);
                return false;
            }
        }

        static String arn(String topic) {
            return "arn:aws:sns:us-east-1:000000000000:" + topic;
        }

        static SnsClient client(String keyId, String secret) {
            return SnsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port("aws")))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
                    .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(60))).build();
        }

        @Override
        public String toString() {
            return "SNS (AWS SDK v2)";
        }
    }

    /** The admin session consumes nothing. */
    private static final class Inline implements DeliverySink {
        @Override
        public Executor executor() {
            return Runnable::run;
        }

        @Override
        public void deliver(Delivery d) {
        }
    }
}
