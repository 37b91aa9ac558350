package io.ferrymq.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Debian's {@code mosquitto_pub} and {@code mosquitto_sub} (package mosquitto-clients, which
 * bin/run-tests installs) against the broker, with MQTT 3.1.1 and 5. Every process gets a message count
 * ({@code -C}) and a timeout ({@code -W}) so it ends by itself, and is destroyed after the test anyway.
 */
class MosquittoClientsTest {

    private static final Path PUB = Path.of("/usr/bin/mosquitto_pub");
    private static final Path SUB = Path.of("/usr/bin/mosquitto_sub");
    /** What mosquitto_sub's -W gets: long enough for a busy machine, short enough to end a stuck test. */
    private static final String PROCESS_TIMEOUT_SECONDS = "30";
    private static final long WAIT = 40;

    @TempDir
    Path dir;

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new MqttProtocol(b, MqttSettings.defaults()))
            .tcp("mqtt", MqttProtocol.NAME)
            .build();

    private final List<Process> processes = new ArrayList<>();
    private final List<Runnable> cleanups = new ArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();

    /** What a finished process left behind. */
    record Result(int exit, List<String> out, String err) {
        }

    /** A started process and the files its output goes to. */
    record Running(Process process, Path out, Path err) { }

    @BeforeAll
    static void clientsInstalled() {
        assertThat(Files.isExecutable(PUB) && Files.isExecutable(SUB))
                .as("mosquitto_pub and mosquitto_sub in /usr/bin (Debian package mosquitto-clients; bin/run-tests"
                        + " installs it)").isTrue();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
            p.waitFor(5, TimeUnit.SECONDS);
        }
        cleanups.forEach(Runnable::run);
    }

    // ------------------------------------------------------------------ processes

    /** The connection options every command gets: host, port, protocol version, user. */
    private List<String> command(Path program, String version, String user, String password) {
        return new ArrayList<>(List.of(program.toString(), "-h", "127.0.0.1",
                "-p", Integer.toString(broker.port("mqtt")), "-V", version, "-u", user, "-P", password));
    }

    private List<String> pub(String version) {
        return command(PUB, version, "guest", "guest");
    }

    /** mosquitto_sub that ends after {@code count} messages or the timeout. */
    private List<String> sub(String version, String clientId, int count) {
        List<String> c = command(SUB, version, "guest", "guest");
        c.addAll(List.of("-i", clientId, "-C", Integer.toString(count), "-W", PROCESS_TIMEOUT_SECONDS));
        return c;
    }

    private Running start(List<String> command) throws IOException {
        int n = sequence.incrementAndGet();
        Path out = dir.resolve(n + ".out");
        Path err = dir.resolve(n + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        processes.add(p);
        return new Running(p, out, err);
    }

    private static Result finish(Running r) throws IOException, InterruptedException {
        try {
            if (!r.process().waitFor(WAIT, TimeUnit.SECONDS)) {
                fail("%s did not end within %d s; output: %s %s", r.process().info().commandLine().orElse("?"),
                        WAIT, Files.readString(r.out()), Files.readString(r.err()));
            }
            return new Result(r.process().exitValue(), Files.readAllLines(r.out(), StandardCharsets.UTF_8),
                    Files.readString(r.err(), StandardCharsets.UTF_8));
        } finally {
            r.process().destroyForcibly();
        }
    }

    /** Runs a command to its end, with {@code input} on its standard input. */
    private Result run(List<String> command, String input) throws IOException, InterruptedException {
        Running r = start(command);
        try (OutputStream in = r.process().getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        return finish(r);
    }

    /**
     * Waits until the broker has the subscriber's subscription in place: its session queue is bound and
     * consumed (which happens before the SUBACK). mosquitto_sub's own output cannot say so in time: its
     * standard output is block-buffered when it is not a terminal.
     */
    private Running startSubscribed(List<String> command, String clientId) throws IOException {
        Running sub = start(command);
        await().atMost(WAIT, TimeUnit.SECONDS).pollInterval(20, TimeUnit.MILLISECONDS).until(() -> {
            if (!sub.process().isAlive()) {
                fail("mosquitto_sub ended before subscribing: %s %s", Files.readString(sub.out()),
                        Files.readString(sub.err()));
            }
            Queue q = broker.broker().vhost("/").queue("mqtt-subscription-" + clientId);
            return q != null && q.consumerCount() == 1;
        });
        return sub;
    }

    private static void assertSucceeded(Result r) {
        assertThat(r.exit()).as("exit code; stderr: %s; stdout: %s", r.err(), r.out()).isZero();
    }

    // ------------------------------------------------------------------ tests

    @ParameterizedTest(name = "{0} QoS {1}")
    @CsvSource({"mqttv311,0", "mqttv311,1", "mqttv311,2", "mqttv5,0", "mqttv5,1", "mqttv5,2"})
    void pubToSubRoundTrip(String version, int qos) throws Exception {
        String topic = "cli/" + version + "/" + qos;
        String id = "sub-" + version + "-" + qos;
        List<String> s = sub(version, id, 3);
        s.addAll(List.of("-q", Integer.toString(qos), "-t", topic + "/#", "-F", "%t|%q|%p"));
        Running sub = startSubscribed(s, id);

        List<String> p = pub(version);
        p.addAll(List.of("-q", Integer.toString(qos), "-t", topic + "/x", "-l")); // one message per line
        assertSucceeded(run(p, "one\ntwo\nthree\n"));

        Result got = finish(sub);
        assertSucceeded(got);
        assertThat(got.out()).containsExactly(
                topic + "/x|" + qos + "|one", topic + "/x|" + qos + "|two", topic + "/x|" + qos + "|three");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqttv311", "mqttv5"})
    void retainedMessageReachesALaterSubscriber(String version) throws Exception {
        String topic = "cli/retained/" + version;
        List<String> p = pub(version);
        p.addAll(List.of("-q", "1", "-r", "-t", topic, "-m", "last known state"));
        assertSucceeded(run(p, null));

        List<String> s = sub(version, "retained-" + version, 1);
        s.addAll(List.of("-q", "1", "-t", topic, "-F", "%r|%p"));
        Result got = finish(start(s));
        assertSucceeded(got);
        assertThat(got.out()).containsExactly("1|last known state");
    }

    @Test
    void userPropertiesTravelBetweenMosquittoClientsWithMqtt5() throws Exception {
        List<String> s = sub("mqttv5", "props-sub", 1);
        s.addAll(List.of("-q", "1", "-t", "cli/props", "-F", "%p|%P|%C"));
        Running sub = startSubscribed(s, "props-sub");

        List<String> p = pub("mqttv5");
        p.addAll(List.of("-q", "1", "-t", "cli/props", "-m", "with properties",
                "-D", "publish", "user-property", "region", "eu-west",
                "-D", "publish", "user-property", "trace", "abc",
                "-D", "publish", "content-type", "text/plain"));
        assertSucceeded(run(p, null));

        Result got = finish(sub);
        assertSucceeded(got);
        assertThat(got.out()).hasSize(1);
        assertThat(got.out().get(0)).startsWith("with properties|").contains("region:eu-west", "trace:abc")
                .endsWith("|text/plain");
    }

    @Test
    void mosquittoPubToHiveMqSubscriberWithMqtt5() throws Exception {
        Mqtt5AsyncClient hive = Mqtt5Client.builder().identifier("hive-sub").serverHost("127.0.0.1")
                .serverPort(broker.port("mqtt")).buildAsync();
        cleanups.add(() -> hive.disconnect().handle((v, t) -> null).orTimeout(5, TimeUnit.SECONDS).join());
        BlockingQueue<Mqtt5Publish> got = new LinkedBlockingQueue<>();
        hive.publishes(MqttGlobalPublishFilter.ALL, got::add);
        hive.connect(Mqtt5Connect.builder().simpleAuth().username("guest")
                .password("guest".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().build()).get(WAIT, TimeUnit.SECONDS);
        hive.subscribeWith().topicFilter("cli/to-hive/#").qos(MqttQos.EXACTLY_ONCE).send().get(WAIT, TimeUnit.SECONDS);

        List<String> p = pub("mqttv5");
        p.addAll(List.of("-q", "2", "-t", "cli/to-hive/x", "-m", "{\"from\":\"mosquitto\"}",
                "-D", "publish", "user-property", "sender", "mosquitto_pub",
                "-D", "publish", "content-type", "application/json",
                "-D", "publish", "response-topic", "cli/replies",
                "-D", "publish", "correlation-data", "req-7"));
        assertSucceeded(run(p, null));

        Mqtt5Publish m = got.poll(WAIT, TimeUnit.SECONDS);
        assertThat(m).as("a message within %d s", WAIT).isNotNull();
        assertThat(new String(m.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"from\":\"mosquitto\"}");
        assertThat(m.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
        assertThat(m.getUserProperties().asList()).anySatisfy(u -> {
            assertThat(u.getName().toString()).isEqualTo("sender");
            assertThat(u.getValue().toString()).isEqualTo("mosquitto_pub");
        });
        assertThat(m.getContentType().map(Object::toString)).contains("application/json");
        assertThat(m.getResponseTopic().map(Object::toString)).contains("cli/replies");
        assertThat(m.getCorrelationData().map(b -> StandardCharsets.UTF_8.decode(b.duplicate()).toString()))
                .contains("req-7");
    }

    @Test
    void hiveMqPublisherToMosquittoSubWithMqtt5() throws Exception {
        List<String> s = sub("mqttv5", "from-hive-sub", 1);
        s.addAll(List.of("-q", "2", "-t", "cli/from-hive/#", "-F", "%t|%q|%p|%P"));
        Running sub = startSubscribed(s, "from-hive-sub");

        Mqtt5AsyncClient hive = Mqtt5Client.builder().identifier("hive-pub").serverHost("127.0.0.1")
                .serverPort(broker.port("mqtt")).buildAsync();
        cleanups.add(() -> hive.disconnect().handle((v, t) -> null).orTimeout(5, TimeUnit.SECONDS).join());
        hive.connect(Mqtt5Connect.builder().simpleAuth().username("guest")
                .password("guest".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().build()).get(WAIT, TimeUnit.SECONDS);
        hive.publishWith().topic("cli/from-hive/y").payload("from hivemq".getBytes(StandardCharsets.UTF_8))
                .qos(MqttQos.EXACTLY_ONCE).userProperties().add("sender", "hivemq").applyUserProperties()
                .send().get(WAIT, TimeUnit.SECONDS);

        Result got = finish(sub);
        assertSucceeded(got);
        assertThat(got.out()).containsExactly("cli/from-hive/y|2|from hivemq|sender:hivemq");
    }

    @Test
    void mosquittoAndPahoWithMqtt311BothWays() throws Exception {
        MqttClient paho = new MqttClient("tcp://127.0.0.1:" + broker.port("mqtt"), "paho-311", new MemoryPersistence());
        cleanups.add(() -> {
            try {
                if (paho.isConnected()) {
                    paho.disconnectForcibly(0, 1000, false);
                }
                paho.close(true);
            } catch (MqttException ignored) {
                // closing anyway
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName("guest");
        o.setPassword("guest".toCharArray());
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(15);
        paho.connect(o);
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        paho.subscribe("cli/to-paho/#", 1, (topic, m) -> got.add(topic + "|" + m.getQos() + "|" + m));

        List<String> p = pub("mqttv311");
        p.addAll(List.of("-q", "1", "-t", "cli/to-paho/z", "-m", "to paho"));
        assertSucceeded(run(p, null));
        assertThat(got.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("cli/to-paho/z|1|to paho");

        List<String> s = sub("mqttv311", "from-paho-sub", 1);
        s.addAll(List.of("-q", "1", "-t", "cli/from-paho/#", "-F", "%t|%q|%p"));
        Running sub = startSubscribed(s, "from-paho-sub");
        paho.publish("cli/from-paho/w", new MqttMessage("from paho".getBytes(StandardCharsets.UTF_8)));
        Result fromPaho = finish(sub);
        assertSucceeded(fromPaho);
        assertThat(fromPaho.out()).containsExactly("cli/from-paho/w|1|from paho");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqttv311", "mqttv5"})
    void wrongPasswordFails(String version) throws Exception {
        List<String> p = command(PUB, version, "guest", "not-the-password");
        p.addAll(List.of("-q", "1", "-t", "cli/denied", "-m", "x"));
        Result r = run(p, null);
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).containsIgnoringCase("bad user name or password");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqttv311", "mqttv5"})
    void forbiddenSubscriptionIsDenied(String version) throws Exception {
        List<String> s = command(SUB, version, "limited", "secret");
        s.addAll(List.of("-q", "1", "-t", "forbidden/#", "-E", "-W", PROCESS_TIMEOUT_SECONDS));
        Result r = run(s, null); // -E: it ends once the SUBACK is in
        assertThat(r.err()).contains("All subscription requests were denied.");
        assertThat(r.out()).isEmpty();
    }
}
