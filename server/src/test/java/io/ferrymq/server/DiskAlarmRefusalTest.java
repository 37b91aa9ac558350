package io.ferrymq.server;

import io.ferrymq.server.config.ConfigException;
import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.server.config.FerryConfig;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Queue;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With less free disk than {@code storage.min-free} (here: more than any disk has), every protocol refuses
 * durable messages with its own error and a message that says the disk is full, while the broker keeps
 * serving everything else.
 */
class DiskAlarmRefusalTest {

    private static final String REASON = "below storage.min-free";

    private static FerryServer start(Path dir) throws Exception {
        return FerryServer.start(config(dir, "1000000TiB"));
    }

    private static FerryConfig config(Path dir, String minFree) throws Exception {
        Path f = dir.resolve("broker.yaml");
        Files.writeString(f, """
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
                  - name: aws
                    protocols: [aws]
                    port: 0
                storage:
                  data-dir: %s
                  segment-size: 1MiB
                  min-free: %s
                """.formatted(dir.resolve("data"), minFree));
        return new ConfigLoader().load(f);
    }

    @Test
    void theLimitIsASizeOnDiskNotAPercentage(@TempDir Path dir) throws Exception {
        FerryConfig c = config(dir, "10%");
        assertThatThrownBy(() -> FerryServer.start(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.min-free");
    }

    @Test
    void stompGetsAnErrorFrameAndNonPersistentMessagesStillFlow(@TempDir Path dir) throws Exception {
        try (FerryServer server = start(dir)) {
            int port = server.listeners().get("stomp").getPort();
            try (Socket s = FerryServerTest.loggedIn(port, "guest", "guest")) {
                assertThat(FerryServerTest.exchange(s, "SUBSCRIBE\nid:0\ndestination:/queue/light\n\n\0"
                        + "SEND\ndestination:/queue/light\n\ntransient\0")).startsWith("MESSAGE").endsWith("transient");
            }
            try (Socket s = FerryServerTest.loggedIn(port, "guest", "guest")) {
                String error = FerryServerTest.exchange(s, "SEND\ndestination:/queue/heavy\npersistent:true\nreceipt:1\n\n"
                        + "kept?\0");
                assertThat(error).startsWith("ERROR").contains("message:Disk full").contains(REASON);
            }
        }
    }

    @Test
    void mqttClosesTheConnectionOfAQos1PublisherAsMqtt3Requires(@TempDir Path dir) throws Exception {
        try (FerryServer server = start(dir);
             MqttClient client = new MqttClient("tcp://127.0.0.1:" + server.listeners().get("mqtt").getPort(),
                     "disk-alarm", new MemoryPersistence())) {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setUserName("guest");
            options.setPassword("guest".toCharArray());
            options.setConnectionTimeout(20);
            client.setTimeToWait(20_000);
            client.connect(options);
            assertThatThrownBy(() -> client.publish("sensors/t", "21".getBytes(StandardCharsets.UTF_8), 1, false))
                    .isInstanceOf(MqttException.class);
            assertThat(client.isConnected()).isFalse();
        }
    }

    @Test
    void amqpRejectsTheTransferWithResourceLimitExceeded(@TempDir Path dir) throws Exception {
        try (FerryServer server = start(dir)) {
            JmsConnectionFactory factory = new JmsConnectionFactory("guest", "guest",
                    "amqp://127.0.0.1:" + server.listeners().get("amqp").getPort());
            try (JMSContext jms = factory.createContext()) {
                Queue queue = jms.createQueue("jobs");
                assertThatThrownBy(() -> jms.createProducer().send(queue, "persistent by default"))
                        .isInstanceOf(JMSRuntimeException.class)
                        .hasMessageContaining("disk is full").hasMessageContaining(REASON);
            }
        }
    }

    @Test
    void sqsAnswers503ServiceUnavailable(@TempDir Path dir) throws Exception {
        try (FerryServer server = start(dir);
             SqsClient sqs = SqsClient.builder()
                     .endpointOverride(URI.create("http://127.0.0.1:" + server.listeners().get("aws").getPort()))
                     .region(Region.US_EAST_1).httpClientBuilder(ApacheHttpClient.builder())
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                     .build()) {
            String url = sqs.createQueue(b -> b.queueName("orders")).queueUrl();
            assertThatThrownBy(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("kept?")))
                    .isInstanceOfSatisfying(SqsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(503);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("disk is full").contains(REASON);
                    });
        }
    }
}
