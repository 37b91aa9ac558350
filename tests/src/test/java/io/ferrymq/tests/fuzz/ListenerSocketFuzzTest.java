package io.ferrymq.tests.fuzz;

import io.ferrymq.amqp.AmqpProtocol;
import io.ferrymq.amqp.AmqpSettings;
import io.ferrymq.aws.AwsApiProtocol;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.core.testing.FuzzInputs;
import io.ferrymq.core.testing.LogWatch;
import io.ferrymq.mqtt.MqttProtocol;
import io.ferrymq.mqtt.MqttSettings;
import io.ferrymq.stomp.StompProtocol;
import io.ferrymq.stomp.StompSettings;
import io.ferrymq.tests.support.MqttTestClient;
import io.ferrymq.transport.testing.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Batches of damaged sessions against every listener of one running broker (STOMP, MQTT, AMQP 1.0,
 * WebSocket, the AWS HTTP API, the unified port). After each batch a real client round-trips a message on
 * that listener, the broker has logged no stack trace for a client's bad input, and its open file
 * descriptors and heap after a GC come back near their baseline.
 *
 * <p>Batches per listener: {@code -Dfuzz.socket.batches=N} (3 by default, 200 in the {@code fuzz}
 * profile); the seed: {@code -Dferrymq.fuzz.seed} (printed, so a failing run can be repeated). Defects listed
 * in issue 11 that this fuzzer reaches (AMQP item 7; WebSocket stack traces, item 10) are counted and
 * printed instead of failing unless {@code -Dfuzz.strict=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListenerSocketFuzzTest {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerSocketFuzzTest.class);
    private static final int BATCHES = Integer.getInteger("ferrymq.fuzz.socket.batches", 3);
    private static final int BATCH_SIZE = 40;
    private static final long SEED = Long.getLong("ferrymq.fuzz.seed", 20261207L);
    private static final boolean STRICT = Boolean.getBoolean("ferrymq.fuzz.strict");
    /** Slack over the baseline once a batch's connections are gone: the broker's own files and a few sockets. */
    private static final int FD_SLACK = 30;
    private static final long HEAP_SLACK = 64L * 1024 * 1024;

    private final Set<String> knownSeen = ConcurrentHashMap.newKeySet();
    private EmbeddedBroker broker;
    private LogWatch log;
    private SqsClient sqs;

    enum Listener { STOMP, MQTT, AMQP, WEBSOCKET, HTTP, UNIFIED }

    @BeforeAll
    void start() {
        broker = EmbeddedBroker.builder()
                .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
                .protocol(b -> new MqttProtocol(b, MqttSettings.defaults()))
                .protocol(b -> new AmqpProtocol(b, AmqpSettings.defaults()))
                .protocol(b -> new AwsApiProtocol(b, AwsApiSettings.defaults()))
                .tcp("stomp", StompProtocol.NAME)
                .tcp("mqtt", MqttProtocol.NAME)
                .tcp("amqp", AmqpProtocol.NAME)
                .websocket("websocket", StompProtocol.NAME, MqttProtocol.NAME, AmqpProtocol.NAME)
                .tcp("http", AwsApiProtocol.NAME)
                .tcp("unified", StompProtocol.NAME, MqttProtocol.NAME, AmqpProtocol.NAME)
                .start();
        sqs = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + broker.port("http")))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x")))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30))).build();
        log = LogWatch.start();
        LOG.info("socket fuzz: {} batches of {} per listener, seed {}", BATCHES, BATCH_SIZE, SEED);
    }

    @AfterAll
    void stop() {
        if (!knownSeen.isEmpty()) {
            LOG.warn("known defects of issue 11 reached by the socket fuzzer: {}", knownSeen);
        }
        log.close();
        sqs.close();
        broker.close();
    }

    @ParameterizedTest
    @EnumSource(Listener.class)
    void damagedSessionsLeaveTheListenerServingAndTheBrokerAtItsBaseline(Listener listener) throws Exception {
        int port = broker.port(listener.name().toLowerCase(Locale.ROOT));
        Random random = new Random(SEED ^ listener.ordinal());
        List<byte[]> seeds = SessionSeeds.of(listener);
        roundTrip(listener, port, 0);
        long fdBaseline = openFiles();
        long heapBaseline = heapAfterGc();
        log.drain();
        for (int batch = 1; batch <= BATCHES; batch++) {
            List<String> findings = new ArrayList<>();
            for (int i = 0; i < BATCH_SIZE; i++) {
                byte[] input = i % 8 == 7 ? randomBytes(random) : FuzzInputs.mutate(seeds.get(random.nextInt(seeds.size())),
                        random.nextLong(), 1 + random.nextInt(5));
                exchange(port, input);
                for (LogWatch.Finding f : log.drain()) {
                    String known = KnownDefects.of(listener, f.message(), f.thrown());
                    if (known != null && !STRICT) {
                        knownSeen.add(known);
                    } else {
                        findings.add(f + " on input " + HexFormat.of().formatHex(input));
                    }
                }
            }
            assertThat(findings).as("%s batch %d: stack traces logged for bad input", listener, batch).isEmpty();
            roundTrip(listener, port, batch);
            int b = batch;
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(openFiles()).as("%s batch %d: open files (baseline %d)", listener, b, fdBaseline)
                            .isLessThanOrEqualTo(fdBaseline + FD_SLACK));
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(heapAfterGc()).as("%s batch %d: heap after GC (baseline %d)", listener, b, heapBaseline)
                            .isLessThanOrEqualTo(heapBaseline + HEAP_SLACK));
        }
    }

    /** A healthy client of this listener's protocol sends and receives one message. */
    private void roundTrip(Listener listener, int port, int batch) throws Exception {
        String name = "fuzz.health." + listener.name().toLowerCase(Locale.ROOT) + "." + batch;
        switch (listener) {
            case STOMP, UNIFIED -> assertThat(RawHealthClients.stompRoundTrip(port, name, false)).isTrue();
            case WEBSOCKET -> assertThat(RawHealthClients.stompRoundTrip(port, name, true)).isTrue();
            case MQTT -> {
                try (MqttTestClient c = MqttTestClient.connect(port, "fuzz-health-" + batch)) {
                    c.client().subscribe("fuzz/health/" + batch, 1).waitForCompletion(15_000);
                    c.client().publish("fuzz/health/" + batch, new MqttMessage("ok".getBytes(StandardCharsets.UTF_8), 1,
                            false, null)).waitForCompletion(15_000);
                    MqttMessage m = c.inbox().poll(30, TimeUnit.SECONDS);
                    assertThat(m).as("MQTT round trip after batch %d", batch).isNotNull();
                }
            }
            case AMQP -> {
                try (Connection c = new JmsConnectionFactory("admin", "secret", "amqp://127.0.0.1:" + port)
                        .createConnection()) {
                    c.start();
                    Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageConsumer consumer = s.createConsumer(s.createQueue(name));
                    s.createProducer(s.createQueue(name)).send(s.createTextMessage("ok"));
                    TextMessage m = (TextMessage) consumer.receive(30_000);
                    assertThat(m).as("AMQP round trip after batch %d", batch).isNotNull();
                }
            }
            case HTTP -> {
                String url = sqs.createQueue(r -> r.queueName(name.replace('.', '-'))).queueUrl();
                sqs.sendMessage(r -> r.queueUrl(url).messageBody("ok"));
                List<Message> got = sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(10)).messages();
                assertThat(got).as("SQS round trip after batch %d", batch).extracting(Message::body).containsExactly("ok");
            }
        }
    }

    /**
     * Writes the input, half-closes, reads until the broker closes: every input ends in a close. A WebSocket
     * handshake at the start goes first and alone, and the frames follow its answer (RFC 6455 4.1).
     */
    private static void exchange(int port, byte[] input) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(45_000);
            try {
                InputStream in = s.getInputStream();
                String text = new String(input, StandardCharsets.ISO_8859_1);
                int headEnd = text.indexOf("\r\n\r\n");
                String headText = headEnd > 0 ? text.substring(0, headEnd).toLowerCase(Locale.ROOT) : "";
                int head = text.startsWith("GET ") && headText.contains("upgrade") && !headText.contains("content-length")
                        ? headEnd + 4 : 0;
                if (head > 0) {
                    s.getOutputStream().write(input, 0, head);
                    // The handshake's answer, or two seconds of silence (a head that waits for a body).
                    s.setSoTimeout(2000);
                    StringBuilder answer = new StringBuilder();
                    try {
                        while (answer.indexOf("\r\n\r\n") < 0) {
                            int b = in.read();
                            if (b < 0) {
                                return;
                            }
                            answer.append((char) b);
                        }
                    } catch (SocketTimeoutException e) {
                        // no answer yet: the rest follows anyway
                    }
                    s.setSoTimeout(45_000);
                }
                s.getOutputStream().write(input, head, input.length - head);
                s.shutdownOutput();
                byte[] buf = new byte[8192];
                while (in.read(buf) >= 0) {
                    // answers are not judged here
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the broker neither answered nor closed within 45 s after the input ended: "
                        + HexFormat.of().formatHex(input), e);
            } catch (IOException e) {
                // reset after a protocol error: the connection ended, which is what counts here
            }
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(512)];
        random.nextBytes(b);
        return b;
    }

    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
