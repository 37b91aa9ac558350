package io.ferrymq.server;

import io.ferrymq.ha.HaNode;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static io.ferrymq.server.InProcessPair.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failover settings the README shows for each client, across a failover of an in-process pair: the
 * client lists both nodes, keeps sending while the active goes away, reconnects to the new active, and
 * every message the broker confirmed to it is consumed afterwards.
 */
class HaClientFailoverTest {


    @TempDir
    Path dir;

    /** Stops the active (no handover) and waits for the standby to serve. */
    private static void failOver(InProcessPair pair) {
        pair.nodeA.close();
        await().atMost(WAIT).until(() -> pair.nodeB.role() == HaNode.Role.ACTIVE);
    }

    private static MqttConnectOptions pahoFailoverOptions(InProcessPair pair, boolean cleanSession) {
        return HaProcessFailoverTest.pahoFailover(pair.a.port("mqtt"), pair.b.port("mqtt"), cleanSession);
    }

    @Test
    void pahoWithBothServerUrisAndAutomaticReconnectLosesNoConfirmedMessage() throws Exception {
        try (InProcessPair pair = new InProcessPair(dir).startInSync()) {
            Set<String> received = ConcurrentHashMap.newKeySet();
            AtomicInteger reconnects = new AtomicInteger();
            MqttClient subscriber = new MqttClient("tcp://127.0.0.1:" + pair.a.port("mqtt"), "ha-subscriber",
                    new MemoryPersistence());
            MqttClient publisher = new MqttClient("tcp://127.0.0.1:" + pair.a.port("mqtt"), "ha-publisher",
                    new MemoryPersistence());
            try {
                subscriber.setCallback(new MqttCallbackExtended() {
                    @Override
                    public void connectComplete(boolean reconnect, String serverUri) {
                        if (reconnect) {
                            reconnects.incrementAndGet();
                        }
                    }

                    @Override
                    public void connectionLost(Throwable cause) {
                    }

                    @Override
                    public void messageArrived(String topic, MqttMessage message) {
                        received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
                    }

                    @Override
                    public void deliveryComplete(IMqttDeliveryToken token) {
                    }
                });
                // A persistent session: its subscription and queued messages live in the journal, so on the standby too.
                subscriber.connect(pahoFailoverOptions(pair, false));
                subscriber.subscribe("ha/readings", 1);
                publisher.setTimeToWait(10_000);
                publisher.connect(pahoFailoverOptions(pair, true));

                Set<String> confirmed = ConcurrentHashMap.newKeySet();
                AtomicBoolean stop = new AtomicBoolean();
                Thread sending = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String body = "reading-" + i;
                        try {
                            // QoS 1: returns once the broker sent PUBACK, that is once the pair has it on both disks.
                            publisher.publish("ha/readings", body.getBytes(StandardCharsets.UTF_8), 1, false);
                            confirmed.add(body);
                        } catch (MqttException e) {
                            // Not confirmed (disconnected meanwhile): the next one goes out after the reconnect.
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                        }
                    }
                }, "paho-publisher");
                sending.start();
                await().atMost(WAIT).until(() -> confirmed.size() >= 50);
                failOver(pair);
                int before = confirmed.size();
                await().atMost(WAIT).until(() -> confirmed.size() >= before + 50);
                stop.set(true);
                sending.join(WAIT.toMillis());

                await().atMost(WAIT).untilAsserted(() -> assertThat(received).containsAll(confirmed));
                assertThat(publisher.getCurrentServerURI()).endsWith(":" + pair.b.port("mqtt"));
                assertThat(reconnects.get()).isPositive();
            } finally {
                disconnect(publisher);
                disconnect(subscriber);
            }
        }
    }

    /**
     * The HiveMQ client's failover settings, as the README shows them: automatic reconnect, and a disconnected
     * listener that points the next attempt at the other node.
     */
    private static Mqtt3AsyncClient hiveMqClient(InProcessPair pair, String id) {
        int a = pair.a.port("mqtt");
        int b = pair.b.port("mqtt");
        return com.hivemq.client.mqtt.MqttClient.builder().useMqttVersion3().identifier(id)
                .serverHost("127.0.0.1").serverPort(a)
                .simpleAuth().username("guest").password("guest".getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .automaticReconnect().initialDelay(200, TimeUnit.MILLISECONDS).maxDelay(1, TimeUnit.SECONDS)
                .applyAutomaticReconnect()
                .addDisconnectedListener(ctx -> {
                    int port = ctx.getReconnector().getTransportConfig().getServerAddress().getPort();
                    ctx.getReconnector().transportConfig().serverHost("127.0.0.1").serverPort(port == a ? b : a)
                            .applyTransportConfig();
                })
                .buildAsync();
    }

    @Test
    void hiveMqClientWithAutomaticReconnectToTheOtherNodeLosesNoConfirmedMessage() throws Exception {
        try (InProcessPair pair = new InProcessPair(dir).startInSync()) {
            Set<String> received = ConcurrentHashMap.newKeySet();
            Mqtt3AsyncClient subscriber = hiveMqClient(pair, "ha-hivemq-subscriber");
            Mqtt3AsyncClient publisher = hiveMqClient(pair, "ha-hivemq-publisher");
            try {
                // A persistent session: its subscription and queued messages live in the journal, so on the standby too.
                subscriber.connectWith().cleanSession(false).send().get(30, TimeUnit.SECONDS);
                subscriber.subscribeWith().topicFilter("ha/hivemq").qos(MqttQos.AT_LEAST_ONCE)
                        .callback(p -> received.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
                        .send().get(30, TimeUnit.SECONDS);
                publisher.connectWith().cleanSession(true).send().get(30, TimeUnit.SECONDS);

                Set<String> confirmed = ConcurrentHashMap.newKeySet();
                AtomicBoolean stop = new AtomicBoolean();
                Thread sending = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String body = "hivemq-" + i;
                        try {
                            // QoS 1: completes on PUBACK, that is once the pair has it on both disks.
                            publisher.publishWith().topic("ha/hivemq").qos(MqttQos.AT_LEAST_ONCE)
                                    .payload(body.getBytes(StandardCharsets.UTF_8)).send().get(10, TimeUnit.SECONDS);
                            confirmed.add(body);
                        } catch (Exception e) {
                            // Not confirmed (disconnected meanwhile): the next one goes out after the reconnect.
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                        }
                    }
                }, "hivemq-publisher");
                sending.start();
                await().atMost(WAIT).until(() -> confirmed.size() >= 50);
                failOver(pair);
                int before = confirmed.size();
                await().atMost(WAIT).until(() -> confirmed.size() >= before + 50);
                stop.set(true);
                sending.join(WAIT.toMillis());

                await().atMost(WAIT).untilAsserted(() -> assertThat(received).containsAll(confirmed));
                // The connection's transport, not the client's configured first address.
                assertThat(publisher.getConfig().getConnectionConfig().orElseThrow().getTransportConfig().getServerAddress()
                        .getPort()).isEqualTo(pair.b.port("mqtt"));
            } finally {
                publisher.disconnect();
                subscriber.disconnect();
            }
        }
    }

    private static void disconnect(MqttClient client) throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }

    @Test
    void stompPyWithBothNodesInItsHostListLosesNoConfirmedMessage() throws Exception {
        try (InProcessPair pair = new InProcessPair(dir).startInSync();
             StompPyFailoverClient stomp = new StompPyFailoverClient(pair.a.port("stomp"), pair.b.port("stomp"),
                     "ha-stomp", dir)) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(stomp.confirmed()).as(stomp::events)
                    .isGreaterThanOrEqualTo(50));
            failOver(pair);
            int before = stomp.confirmed();
            await().atMost(WAIT).untilAsserted(() -> assertThat(stomp.confirmed()).as(stomp::events)
                    .isGreaterThanOrEqualTo(before + 50));
            assertThat(stomp.connectedTo()).contains(pair.a.port("stomp"), pair.b.port("stomp"));

            StompPyFailoverClient.Outcome outcome = stomp.finish(120_000);
            assertThat(outcome.confirmed()).hasSizeGreaterThanOrEqualTo(100);
            assertThat(outcome.received()).containsAll(outcome.confirmed());
        }
    }

    /**
     * The AWS SDK v2 takes one endpoint per client: a client per node, and a send that moves on to the other
     * node when one refuses the connection or answers 503 (a standby, or an active that is being fenced).
     */
    private static final class FailoverSqs implements AutoCloseable {
        private final List<SqsClient> clients = new ArrayList<>();
        private int current;

        FailoverSqs(int... ports) {
            for (int port : ports) {
                clients.add(SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port))
                        .region(Region.US_EAST_1).httpClientBuilder(ApacheHttpClient.builder())
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                        .build());
            }
        }

        /** Sends until a node confirms it (200), trying the nodes in turn for up to {@code within}. */
        void send(String queue, String body, Duration within) {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                SqsClient c = clients.get(current);
                try {
                    // The queue URL names the node that answered: ask the node being tried, not a cached URL.
                    String url = c.getQueueUrl(b -> b.queueName(queue)).queueUrl();
                    c.sendMessage(b -> b.queueUrl(url).messageBody(body));
                    return;
                } catch (SdkException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    current = (current + 1) % clients.size();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
        }

        SqsClient current() {
            return clients.get(current);
        }

        @Override
        public void close() {
            clients.forEach(SqsClient::close);
        }
    }

    @Test
    void sqsClientMovesToTheOtherEndpointAfterTheFailover() throws Exception {
        try (InProcessPair pair = new InProcessPair(dir).startInSync();
             FailoverSqs sqs = new FailoverSqs(pair.a.port("aws"), pair.b.port("aws"))) {
            sqs.current().createQueue(b -> b.queueName("ha-sqs"));
            List<String> confirmed = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sqs.send("ha-sqs", "before-" + i, WAIT);
                confirmed.add("before-" + i);
            }
            failOver(pair);
            for (int i = 0; i < 20; i++) {
                sqs.send("ha-sqs", "after-" + i, WAIT);
                confirmed.add("after-" + i);
            }
            Set<String> received = new HashSet<>();
            SqsClient onB = sqs.current();
            String url = onB.getQueueUrl(b -> b.queueName("ha-sqs")).queueUrl();
            await().atMost(WAIT).untilAsserted(() -> {
                for (Message m : onB.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages()) {
                    received.add(m.body());
                    onB.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                }
                assertThat(received).containsAll(confirmed);
            });
        }
    }
}
