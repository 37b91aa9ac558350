package io.ferrymq.tests.matrix;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.commons.support.ReflectionSupport;

import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every protocol sends, every protocol receives: one cell per (sender, receiver, check), for every
 * {@link ProtocolEndpoint} in {@code io.ferrymq.tests.matrix.endpoint}. Where one side cannot carry what a check
 * is about, the cell checks what the two sides do carry, and its name says so. Every cell but the durable
 * ones shares one broker and uses destinations of its own.
 */
class CrossProtocolMatrixTest {

    private static final String ENDPOINTS = "io.ferrymq.tests.matrix.endpoint";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long TTL = 600_000;
    private static final Map<String, String> PROPERTIES = Map.of("colour", "blue", "count", "42",
            "note", "a b=c:d");

    private static final TestMessage KEPT = TestMessage.text("kept across a restart").withProperties(PROPERTIES);

    private static MatrixBroker shared;
    private static DurableRestart durable;
    private static final List<ProtocolEndpoint> endpoints = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        shared = MatrixBroker.inMemory();
        for (Class<? extends ProtocolEndpoint> c : endpointClasses()) {
            endpoints.add(create(c, shared));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (durable != null) {
            durable.close();
        }
        for (ProtocolEndpoint e : endpoints) {
            e.close();
        }
        shared.close();
    }

    @SuppressWarnings("unchecked")
    static List<Class<? extends ProtocolEndpoint>> endpointClasses() {
        List<Class<? extends ProtocolEndpoint>> found = new ArrayList<>();
        for (Class<?> c : ReflectionSupport.findAllClassesInPackage(ENDPOINTS,
                c -> ProtocolEndpoint.class.isAssignableFrom(c) && !c.isInterface()
                        && !Modifier.isAbstract(c.getModifiers()) && Modifier.isPublic(c.getModifiers()), n -> true)) {
            found.add((Class<? extends ProtocolEndpoint>) c);
        }
        found.sort(Comparator.comparing(Class::getSimpleName));
        return found;
    }

    private static ProtocolEndpoint create(Class<? extends ProtocolEndpoint> c, MatrixBroker broker) throws Exception {
        return DurableRestart.create(c, broker);
    }

    @TestFactory
    Stream<DynamicNode> matrix() {
        assertThat(endpoints).as("endpoints in " + ENDPOINTS).hasSizeGreaterThanOrEqualTo(5);
        List<DynamicNode> checks = new ArrayList<>();
        checks.add(check("text body", this::textBody));
        checks.add(check("binary body", this::binaryBody));
        checks.add(check("content type", this::contentType));
        checks.add(check("application properties", this::properties));
        checks.add(check("priority", this::priority));
        checks.add(check("expiry", this::expiry));
        checks.add(check("redelivery flag", this::redelivery));
        checks.add(durableRestart());
        return checks.stream();
    }

    /** What a cell checks, given its sender and receiver: its name, and the check itself. */
    private interface Cell {
        String describe(ProtocolEndpoint tx, ProtocolEndpoint rx, boolean run) throws Exception;
    }

    private DynamicContainer check(String name, Cell cell) {
        List<DynamicTest> cells = new ArrayList<>();
        for (ProtocolEndpoint tx : endpoints) {
            for (ProtocolEndpoint rx : endpoints) {
                String what;
                try {
                    what = cell.describe(tx, rx, false);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                String cellName = tx.name() + " -> " + rx.name() + ": " + what;
                cells.add(DynamicTest.dynamicTest(cellName, () -> named(cellName, () -> cell.describe(tx, rx, true))));
            }
        }
        return DynamicContainer.dynamicContainer(name, cells);
    }

    /** Runs a cell, its name leading any failure (build reports show dynamic tests by index only). */
    private static void named(String cell, org.junit.jupiter.api.function.Executable check) throws Throwable {
        try {
            check.execute();
        } catch (AssertionError e) {
            throw new AssertionError(cell + ": " + e.getMessage(), e);
        }
    }

    /** Sends {@code m} with {@code tx} to a fresh destination {@code rx} listens on, and returns what arrived. */
    private static ReceivedMessage roundTrip(ProtocolEndpoint tx, ProtocolEndpoint rx, TestMessage m) throws Exception {
        Destination d = Destination.fresh(rx.listensOn());
        shared.prepare(d);
        try (ProtocolEndpoint.Inbox in = rx.listen(d)) {
            tx.send(d, m);
            ReceivedMessage r = in.receive(TIMEOUT);
            assertThat(r).as("a message within " + TIMEOUT).isNotNull();
            return r;
        }
    }

    private String textBody(ProtocolEndpoint tx, ProtocolEndpoint rx, boolean run) throws Exception {
        String text = "matrix text \u00e9\u00e8 \u2713 <&> \"quoted\" \ud83d\ude00\nsecond line";
        boolean marked = tx.capabilities().canSend(Feature.TEXT_MARK) && rx.capabilities().canReceive(Feature.TEXT_MARK);
        if (run) {
            ReceivedMessage r = roundTrip(tx, rx, TestMessage.text(text));
            assertThat(r.bodyText()).isEqualTo(text);
            assertThat(r.body()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
            if (marked) {
                assertThat(r.markedText()).as("marked as text").isTrue();
            }
        }
        return "UTF-8 text (accents, emoji, XML specials, newline) arrives byte for byte"
                + (marked ? ", marked as text" : " (" + lacking(tx, rx, Feature.TEXT_MARK) + " marks no text)");
    }

    private String binaryBody(ProtocolEndpoint tx, ProtocolEndpoint rx, boolean run) throws Exception {
        if (!tx.capabilities().canSend(Feature.BINARY_BODY)) {
            // The widest text the sender's protocol allows (for SQS: XML characters), byte for byte.
            String widest = "\t\n\r \u007f\u0080\u00ff\u07ff\u0800\ud7ff\ue000\ufffd\ud800\udc00\udbff\udfff";
            if (run) {
                ReceivedMessage r = roundTrip(tx, rx, TestMessage.text(widest));
                assertThat(r.body()).isEqualTo(widest.getBytes(StandardCharsets.UTF_8));
            }
            return tx.name() + " sends text only: the widest text it allows (1- to 4-byte UTF-8) arrives byte for byte";
        }
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        if (run) {
            ReceivedMessage r = roundTrip(tx, rx, TestMessage.binary(all));
            assertThat(r.body()).isEqualTo(all);
        }
        return "all 256 byte values arrive unchanged";
    }

    private String contentType(ProtocolEndpoint tx, ProtocolEndpoint rx, boolean run) throws Exception {
        String json = "{\"cell\":\"content-type\",\"n\":1}";
        boolean carried = tx.capabilities().canSend(Feature.CONTENT_TYPE) && rx.capabilities().canReceive(Feature.CONTENT_TYPE);
        if (run) {
            ReceivedMessage r = roundTrip(tx, rx, TestMessage.text(json).withContentType("application/json"));
            assertThat(r.bodyText()).isEqualTo(json);
            if (carried) {
                assertThat(r.contentType()).startsWith("application/json");
            }
        }
        return carried ? "content type application/json arrives"
                : "no content type in " + lacking(tx, rx, Feature.CONTENT_TYPE) + ": the JSON body arrives";
    }

    private String properties(ProtocolEndpoint tx, ProtocolEndpoint rx, boolean run) throws Exception {
        boolean carried = tx.capabilities().canSend(Feature.PROPERTIES) && rx.capabilities().canReceive(Feature.PROPERTIES);
        if (run) {
            ReceivedMessage r = roundTrip(tx, rx, TestMessage.text("with properties").withProperties(PROPERTIES));
            assertThat(r.bodyText()).isEqualTo("with properties");
            if (carried) {
                assertThat(r.properties()).containsAllEntriesOf(PROPERTIES);
            }
        }
        return carried ? "properties " + PROPERTIES.keySet() + " arrive with their values"
                : "no properties in " + lacking(tx, rx, Feature.PROPERTIES) + ": the body arrives";
    }

    private String priority(ProtocolEndpoint tx, ProtocolEndpoint rx, boolean run) throws Exception {
        boolean sends = tx.capabilities().canSend(Feature.PRIORITY);
        boolean shows = rx.capabilities().canReceive(Feature.PRIORITY);
        if (run) {
            ReceivedMessage r = roundTrip(tx, rx, TestMessage.text("with priority").withPriority(7));
            assertThat(r.bodyText()).isEqualTo("with priority");
            if (shows) {
                assertThat(r.priority()).isEqualTo(sends ? 7 : 4);
            }
        }
        if (!shows) {
            return rx.name() + " shows no priority: the body arrives";
        }
        return sends ? "priority 7 arrives as 7" : tx.name() + " sends no priority: it arrives with the default 4";
    }

    private String expiry(ProtocolEndpoint tx, ProtocolEndpoint rx, boolean run) throws Exception {
        boolean sends = tx.capabilities().canSend(Feature.EXPIRY);
        boolean shows = rx.capabilities().canReceive(Feature.EXPIRY);
        if (run) {
            long before = System.currentTimeMillis();
            ReceivedMessage r = roundTrip(tx, rx, TestMessage.text("with ttl").withTtl(TTL));
            long after = System.currentTimeMillis();
            assertThat(r.bodyText()).isEqualTo("with ttl");
            if (shows && sends) {
                // MQTT counts whole seconds, so a second either way
                assertThat(r.expiresAt()).isBetween(before + TTL - 1_000, after + TTL + 1_000);
            } else if (shows && r.expiresAt() != null) {
                // No TTL of the sender's own; a queue may still bound its messages' lives (SQS retention, 4 days by default).
                assertThat(r.expiresAt()).as("expiry of a message sent without a TTL").isGreaterThan(after + TTL);
            }
        }
        if (!shows) {
            return rx.name() + " shows no expiry: a message with a 10 minute TTL arrives";
        }
        return sends ? "a 10 minute TTL arrives as an expiry 10 minutes after sending"
                : tx.name() + " sends no TTL: the message arrives without an expiry within the next 10 minutes";
    }

    private String redelivery(ProtocolEndpoint tx, ProtocolEndpoint rx, boolean run) throws Exception {
        boolean shows = rx.capabilities().canReceive(Feature.REDELIVERED_FLAG);
        if (run) {
            Destination d = Destination.fresh(rx.listensOn());
            shared.prepare(d);
            try (ProtocolEndpoint.Inbox in = rx.listen(d)) {
                tx.send(d, TestMessage.text("delivered twice"));
                ReceivedMessage first = in.receiveUnsettled(TIMEOUT);
                assertThat(first).as("first delivery within " + TIMEOUT).isNotNull();
                assertThat(first.bodyText()).isEqualTo("delivered twice");
                in.abandon();
                ReceivedMessage second = in.receive(TIMEOUT);
                assertThat(second).as("second delivery within " + TIMEOUT).isNotNull();
                assertThat(second.bodyText()).isEqualTo("delivered twice");
                if (shows) {
                    assertThat(first.redelivered()).as("first delivery flagged redelivered").isFalse();
                    assertThat(second.redelivered()).as("second delivery flagged redelivered").isTrue();
                }
            }
        }
        return shows ? "an unsettled message given back arrives again, flagged redelivered (the first not)"
                : rx.name() + " shows no redelivery: an unsettled message given back arrives again";
    }

    /** A persistent message sent with one protocol, the broker restarted, received with the other. */
    private DynamicContainer durableRestart() {
        List<DynamicTest> cells = new ArrayList<>();
        for (ProtocolEndpoint tx : endpoints) {
            for (ProtocolEndpoint rx : endpoints) {
                boolean props = tx.capabilities().canSend(Feature.PROPERTIES) && rx.capabilities().canReceive(Feature.PROPERTIES);
                String what = "a persistent message survives a broker restart"
                        + (props ? " with its properties" : " (no properties in " + lacking(tx, rx, Feature.PROPERTIES) + ")");
                String cellName = tx.name() + " -> " + rx.name() + ": " + what;
                cells.add(DynamicTest.dynamicTest(cellName, () -> named(cellName, () -> {
                    ReceivedMessage r = durable().receive(tx.getClass(), rx.getClass(), TIMEOUT);
                    assertThat(r).as("the message after the restart, within " + TIMEOUT).isNotNull();
                    assertThat(r.bodyText()).isEqualTo(KEPT.bodyText());
                    if (props) {
                        assertThat(r.properties()).containsAllEntriesOf(PROPERTIES);
                    }
                })));
            }
        }
        return DynamicContainer.dynamicContainer("durable restart", cells);
    }

    /** The shared restart, done when the first durable cell runs. */
    private static synchronized DurableRestart durable() throws Exception {
        if (durable == null) {
            durable = new DurableRestart(endpointClasses(), KEPT);
        }
        return durable;
    }

    private static String lacking(ProtocolEndpoint tx, ProtocolEndpoint rx, Feature f) {
        boolean txLacks = !tx.capabilities().canSend(f);
        boolean rxLacks = !rx.capabilities().canReceive(f);
        if (txLacks && rxLacks && tx.name().equals(rx.name())) {
            return tx.name();
        }
        return txLacks && rxLacks ? tx.name() + " and " + rx.name() : txLacks ? tx.name() : rx.name();
    }
}
