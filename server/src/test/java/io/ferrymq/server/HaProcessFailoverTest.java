package io.ferrymq.server;

import io.ferrymq.ha.AlonePolicy;
import io.ferrymq.ha.HaConfig;
import io.ferrymq.ha.StatusReport;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pair as three processes (coordinator, node-a, node-b): a Qpid JMS producer with a failover URI sends
 * persistent messages while the active is killed with {@code kill -9} ({@code -Dha.kills}, default 3, each once
 * the restarted node is back in sync); every send the client saw confirmed is consumed from the last active.
 * Logs the time from each kill to the first accepted connection on the other node. Another test does the same
 * with STOMP (stomp.py, a receipt per send) and MQTT QoS 1 (Paho, a persistent-session subscriber) clients that
 * list both nodes. Another kills both nodes at once (power loss of the pair) and restarts them: the pair comes
 * back with every confirmed send.
 */
@Tag("system")
class HaProcessFailoverTest {

    private static final Logger LOG = LoggerFactory.getLogger(HaProcessFailoverTest.class);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Map<String, String> PEER_OF = Map.of("node-a", "node-b", "node-b", "node-a");

    /** Kept when a test fails: the coordinator's and the nodes' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Process java(String name, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "io.ferrymq.server.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
    }

    private Process node(String name, int amqp, int aws, int stomp, int mqtt, int replication, int peer, int zookeeper)
            throws IOException {
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                security:
                  password-iterations: 1000
                storage:
                  data-dir: %s
                  segment-size: 4MiB
                listeners:
                  - name: amqp
                    protocols: [amqp]
                    host: 127.0.0.1
                    port: %d
                  - name: aws
                    protocols: [aws]
                    host: 127.0.0.1
                    port: %d
                  - name: stomp
                    protocols: [stomp]
                    host: 127.0.0.1
                    port: %d
                  - name: mqtt
                    protocols: [mqtt]
                    host: 127.0.0.1
                    port: %d
                aws:
                  kinesis-throughput-limits: false
                ha:
                  node-id: %s
                  replication: 127.0.0.1:%d
                  peer: 127.0.0.1:%d
                  zookeeper: 127.0.0.1:%d
                  failover-timeout: 1s
                """.formatted(dir.resolve(name), amqp, aws, stomp, mqtt, name, replication, peer, zookeeper));
        return java(name, "run", "--config", config.toString());
    }

    private HaConfig pairView(int zookeeper) {
        return new HaConfig("observer", InetSocketAddress.createUnresolved("127.0.0.1", 1),
                InetSocketAddress.createUnresolved("127.0.0.1", 1), "127.0.0.1:" + zookeeper, "ferrymq",
                Duration.ofSeconds(1), AlonePolicy.SERVE);
    }

    /** What {@code confirmed} has and {@code received} lacks (AssertJ's containsAll is quadratic). */
    private static Set<String> missing(Set<String> confirmed, Set<String> received) {
        Set<String> m = new java.util.HashSet<>(confirmed);
        m.removeAll(received);
        return m;
    }

    private static boolean inSync(HaConfig view, String active, String standby) {
        try {
            String s = StatusReport.describe(view);
            return s.contains("active:          " + active + "\n") && s.contains("standby in sync: " + standby + "\n");
        } catch (Exception e) {
            return false;
        }
    }

    /** The coordinator and both nodes as processes; node-a starts first and is active. */
    private final class ProcessPair implements AutoCloseable {
        final int zk = freePort();
        final Map<String, Integer> amqp = Map.of("node-a", freePort(), "node-b", freePort());
        final Map<String, Integer> aws = Map.of("node-a", freePort(), "node-b", freePort());
        final Map<String, Integer> stomp = Map.of("node-a", freePort(), "node-b", freePort());
        final Map<String, Integer> mqtt = Map.of("node-a", freePort(), "node-b", freePort());
        final Map<String, Integer> replication = Map.of("node-a", freePort(), "node-b", freePort());
        final Map<String, Process> nodes = new HashMap<>();
        final HaConfig view = pairView(zk);
        final Process coordinator;

        ProcessPair() throws IOException {
            coordinator = java("coordinator", "coordinator", "--port", String.valueOf(zk), "--data-dir",
                    dir.resolve("coordinator").toString(), "--tick", "200");
            await().atMost(WAIT).until(() -> accepts(zk));
            for (String n : List.of("node-a", "node-b")) {
                start(n);
                await().atMost(WAIT).until(() -> accepts(amqp.get("node-a")));
            }
        }

        void start(String node) throws IOException {
            nodes.put(node, node(node, amqp.get(node), aws.get(node), stomp.get(node), mqtt.get(node), replication.get(node),
                    replication.get(PEER_OF.get(node)), zk));
        }

        /** kill -9; @return when the signal went (reaping a big process can take a while on a busy machine) */
        long kill(String node) throws InterruptedException {
            Process p = nodes.get(node);
            p.destroyForcibly();
            long signalled = System.nanoTime();
            p.waitFor();
            return signalled;
        }

        /** The active node, once the record names an active and a standby in sync (either way round). */
        String awaitInSync() {
            AtomicReference<String> active = new AtomicReference<>();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                for (String n : List.of("node-a", "node-b")) {
                    if (inSync(view, n, PEER_OF.get(n))) {
                        active.set(n);
                        return true;
                    }
                }
                return false;
            });
            return active.get();
        }

        JmsConnectionFactory failoverFactory() {
            return new JmsConnectionFactory("guest", "guest", "failover:(amqp://127.0.0.1:" + amqp.get("node-a")
                    + ",amqp://127.0.0.1:" + amqp.get("node-b")
                    + ")?failover.initialReconnectDelay=20&failover.reconnectDelay=20&failover.useReconnectBackOff=false");
        }

        /**
         * Every message in the queue, with how often each came, through the failover URI: on a machine this busy a
         * starved active may lose its ZooKeeper session and hand over even while the test drains.
         */
        Map<String, Integer> drain() {
            Map<String, Integer> received = new HashMap<>();
            try (JMSContext jms = failoverFactory().createContext();
                 JMSConsumer consumer = jms.createConsumer(jms.createQueue("orders"))) {
                TextMessage m;
                // Quiet for longer than a failover takes: the queue is empty, not between two nodes.
                while ((m = (TextMessage) consumer.receive(15_000)) != null) {
                    received.merge(m.getText(), 1, Integer::sum);
                }
            } catch (jakarta.jms.JMSException e) {
                throw new AssertionError(e);
            }
            return received;
        }

        @Override
        public void close() {
            nodes.values().forEach(Process::destroyForcibly);
            coordinator.destroyForcibly();
        }
    }

    /** A persistent producer through the failover URI: records every send the broker settled (confirmed). */
    private static final class Producer implements AutoCloseable {
        final Set<String> confirmed = ConcurrentHashMap.newKeySet();
        final AtomicInteger failures = new AtomicInteger();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Producer(JmsConnectionFactory factory) {
            thread = new Thread(() -> {
                try (JMSContext jms = factory.createContext()) {
                    Queue queue = jms.createQueue("orders");
                    JMSProducer p = jms.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
                    for (int i = 0; !stop.get(); i++) {
                        String body = "m-" + i;
                        try {
                            // Returns once the broker settled the transfer: a confirmed send.
                            p.send(queue, body);
                            confirmed.add(body);
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                }
            }, "producer");
            thread.start();
        }

        void awaitMore(int more) {
            int before = confirmed.size();
            await().atMost(WAIT).until(() -> confirmed.size() >= before + more);
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(60_000);
        }
    }

    @Test
    void killingTheActiveRepeatedlyLosesNothingConfirmed() throws Exception {
        int kills = Integer.getInteger("ha.kills", 3);
        try (ProcessPair pair = new ProcessPair()) {
            String active = "node-a";
            Producer producer = new Producer(pair.failoverFactory());
            List<Long> failovers = new ArrayList<>();
            for (int k = 0; k < kills; k++) {
                String standby = PEER_OF.get(active);
                String a = active;
                await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> inSync(pair.view, a, standby));
                producer.awaitMore(200);

                long killed = pair.kill(active);
                await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> accepts(pair.amqp.get(standby)));
                long millis = (System.nanoTime() - killed) / 1_000_000;
                failovers.add(millis);
                LOG.info("kill -9 {} of {}: {} accepted its first connection {} ms after the kill", k + 1, active,
                        standby, millis);
                // The killed node comes back as the standby and catches up from the new active.
                pair.start(active);
                active = standby;
            }
            producer.awaitMore(200);
            producer.close();

            Map<String, Integer> received = pair.drain();
            long duplicates = received.values().stream().filter(n -> n > 1).count();
            List<Long> sorted = failovers.stream().sorted().toList();
            LOG.info("{} kills: failover times {} ms (sorted {}); {} confirmed, {} distinct received, {} duplicated,"
                    + " {} failed sends", kills, failovers, sorted, producer.confirmed.size(), received.size(),
                    duplicates, producer.failures.get());
            assertThat(missing(producer.confirmed, received.keySet())).as("confirmed but not received").isEmpty();
        }
    }

    /**
     * Paho's failover settings (the README's): both nodes, tried in order, reconnecting by itself at most a
     * second apart. Shared with {@code HaClientFailoverTest}.
     */
    static MqttConnectOptions pahoFailover(int portA, int portB, boolean cleanSession) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setServerURIs(new String[] {"tcp://127.0.0.1:" + portA, "tcp://127.0.0.1:" + portB});
        o.setAutomaticReconnect(true);
        o.setMaxReconnectDelay(1000);
        o.setCleanSession(cleanSession);
        o.setUserName("guest");
        o.setPassword("guest".toCharArray());
        o.setConnectionTimeout(10);
        return o;
    }

    private static MqttConnectOptions pahoFailover(ProcessPair pair, boolean cleanSession) {
        return pahoFailover(pair.mqtt.get("node-a"), pair.mqtt.get("node-b"), cleanSession);
    }

    @Test
    void killingTheActiveLosesNoConfirmedStompOrMqttMessage() throws Exception {
        try (ProcessPair pair = new ProcessPair();
             StompPyFailoverClient stomp = new StompPyFailoverClient(pair.stomp.get("node-a"), pair.stomp.get("node-b"),
                     "ha-kill-stomp", dir)) {
            // MQTT: a subscriber with a persistent session (its queue is in the journal, so on the standby too)
            // and a QoS 1 publisher (a publish is confirmed by its PUBACK), both listing both nodes.
            Set<String> mqttReceived = ConcurrentHashMap.newKeySet();
            Set<String> mqttConfirmed = ConcurrentHashMap.newKeySet();
            MqttClient subscriber = new MqttClient("tcp://127.0.0.1:" + pair.mqtt.get("node-a"), "ha-kill-subscriber",
                    new MemoryPersistence());
            MqttClient publisher = new MqttClient("tcp://127.0.0.1:" + pair.mqtt.get("node-a"), "ha-kill-publisher",
                    new MemoryPersistence());
            AtomicBoolean stop = new AtomicBoolean();
            Thread publishing = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String body = "reading-" + i;
                    try {
                        publisher.publish("ha/kill", body.getBytes(StandardCharsets.UTF_8), 1, false);
                        mqttConfirmed.add(body);
                    } catch (MqttException e) {
                        // Not confirmed (reconnecting): the next one goes to whichever node answers.
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    }
                }
            }, "paho-publisher");
            try {
                subscriber.setCallback(new MqttCallback() {
                    @Override
                    public void connectionLost(Throwable cause) {
                    }

                    @Override
                    public void messageArrived(String topic, MqttMessage message) {
                        mqttReceived.add(new String(message.getPayload(), StandardCharsets.UTF_8));
                    }

                    @Override
                    public void deliveryComplete(IMqttDeliveryToken token) {
                    }
                });
                subscriber.connect(pahoFailover(pair, false));
                subscriber.subscribe("ha/kill", 1);
                publisher.setTimeToWait(10_000);
                publisher.connect(pahoFailover(pair, true));
                publishing.start();

                String active = "node-a";
                for (int k = 0; k < 2; k++) {
                    String standby = PEER_OF.get(active);
                    String a = active;
                    await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> inSync(pair.view, a, standby));
                    int mqttBefore = mqttConfirmed.size();
                    int stompBefore = stomp.confirmed();
                    await().atMost(WAIT).until(() -> mqttConfirmed.size() >= mqttBefore + 50
                            && stomp.confirmed() >= stompBefore + 50);

                    pair.kill(active);
                    await().atMost(WAIT).until(() -> accepts(pair.stomp.get(standby)));
                    LOG.info("kill -9 {} of {}: {} serves; {} MQTT and {} STOMP sends confirmed so far", k + 1, active,
                            standby, mqttConfirmed.size(), stomp.confirmed());
                    pair.start(active);
                    active = standby;
                }
                int mqttBefore = mqttConfirmed.size();
                int stompBefore = stomp.confirmed();
                await().atMost(WAIT).until(() -> mqttConfirmed.size() >= mqttBefore + 50
                        && stomp.confirmed() >= stompBefore + 50);
                stop.set(true);
                publishing.join(WAIT.toMillis());

                StompPyFailoverClient.Outcome stompOutcome = stomp.finish(WAIT.toMillis());
                await().atMost(WAIT).until(() -> missing(mqttConfirmed, mqttReceived).isEmpty());
                LOG.info("Two kills: MQTT {} confirmed, {} received; STOMP {} confirmed, {} received",
                        mqttConfirmed.size(), mqttReceived.size(), stompOutcome.confirmed().size(),
                        stompOutcome.received().size());
                assertThat(missing(stompOutcome.confirmed(), stompOutcome.received()))
                        .as("STOMP sends confirmed by a receipt but not received").isEmpty();
                assertThat(missing(mqttConfirmed, mqttReceived)).as("MQTT publishes confirmed but not received")
                        .isEmpty();
            } finally {
                stop.set(true);
                for (MqttClient c : List.of(publisher, subscriber)) {
                    if (c.isConnected()) {
                        c.disconnectForcibly(1_000);
                    }
                    c.close(true);
                }
            }
        }
    }

    @Test
    void killingBothNodesAtOnceLosesNothingConfirmed() throws Exception {
        try (ProcessPair pair = new ProcessPair()) {
            assertThat(pair.awaitInSync()).isEqualTo("node-a");
            Producer producer = new Producer(pair.failoverFactory());
            producer.awaitMore(300);

            // Power loss of the pair: both die with whatever they had in flight; the coordinator survives.
            List<Process> both = List.of(pair.nodes.get("node-a"), pair.nodes.get("node-b"));
            both.forEach(Process::destroyForcibly);
            for (Process p : both) {
                p.waitFor();
            }
            int confirmedBefore = producer.confirmed.size();
            pair.start("node-b");
            pair.start("node-a");
            // Either may come back active (both hold everything confirmed); the other resyncs and follows it.
            String active = pair.awaitInSync();
            producer.awaitMore(200);
            producer.close();

            Map<String, Integer> received = pair.drain();
            LOG.info("Both nodes killed with {} confirmed; {} active after the restart; {} confirmed in all, {} distinct"
                    + " received, {} failed sends", confirmedBefore, active, producer.confirmed.size(), received.size(),
                    producer.failures.get());
            assertThat(missing(producer.confirmed, received.keySet())).as("confirmed but not received").isEmpty();
        }
    }

    private static KinesisClient kinesis(int port) {
        return KinesisClient.builder().endpointOverride(java.net.URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDKILL", "x")))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    @Test
    void killingTheActiveLosesNoAnsweredPutRecord() throws Exception {
        try (ProcessPair pair = new ProcessPair();
             KinesisClient onA = kinesis(pair.aws.get("node-a"));
             KinesisClient onB = kinesis(pair.aws.get("node-b"))) {
            await().atMost(WAIT).until(() -> accepts(pair.aws.get("node-a")));
            onA.createStream(b -> b.streamName("trucks").shardCount(2));
            onA.waiter().waitUntilStreamExists(b -> b.streamName("trucks"));
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> inSync(pair.view, "node-a", "node-b"));

            // Payload -> "shardId/sequenceNumber" of every PutRecord the active answered.
            Map<String, String> answered = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread producer = new Thread(() -> {
                KinesisClient current = onA;
                for (int i = 0; !stop.get(); i++) {
                    String payload = "truck-" + (i % 10) + "-" + i;
                    try {
                        var r = current.putRecord(b -> b.streamName("trucks").partitionKey(payload.substring(0, 7))
                                .data(SdkBytes.fromUtf8String(payload)));
                        answered.put(payload, r.shardId() + "/" + r.sequenceNumber());
                    } catch (RuntimeException e) {
                        // Not answered: the producer moves to the other endpoint, as a client with two would.
                        current = current == onA ? onB : onA;
                    }
                }
            }, "kinesis-producer");
            producer.start();
            await().atMost(WAIT).until(() -> answered.size() >= 300);
            long killed = pair.kill("node-a");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> accepts(pair.aws.get("node-b")));
            LOG.info("kill -9 of node-a: node-b accepted its first AWS connection {} ms after the kill",
                    (System.nanoTime() - killed) / 1_000_000);
            int before = answered.size();
            await().atMost(WAIT).until(() -> answered.size() >= before + 100);
            stop.set(true);
            producer.join(60_000);

            Map<String, String> found = new HashMap<>();
            for (String shard : List.of("shardId-000000000000", "shardId-000000000001")) {
                String it = onB.getShardIterator(b -> b.streamName("trucks").shardId(shard)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                java.math.BigInteger last = java.math.BigInteger.ONE.negate();
                while (it != null) {
                    String current = it;
                    GetRecordsResponse r = onB.getRecords(b -> b.shardIterator(current));
                    for (Record rec : r.records()) {
                        java.math.BigInteger seq = new java.math.BigInteger(rec.sequenceNumber());
                        assertThat(seq).isGreaterThan(last);
                        last = seq;
                        found.put(rec.data().asUtf8String(), shard + "/" + rec.sequenceNumber());
                    }
                    it = r.records().isEmpty() ? null : r.nextShardIterator();
                }
            }
            LOG.info("{} PutRecords answered, {} records on node-b", answered.size(), found.size());
            assertThat(found).containsAllEntriesOf(answered);
        }
    }
}
