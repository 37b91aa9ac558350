package io.ferrymq.tests.matrix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The durable-restart cells share one restart: every (sender, receiver) pair sends its persistent message to a
 * broker on a journal, that broker stops, a second one starts on the same directory, and each cell then
 * receives its own message from it. One restart instead of one per cell keeps the matrix fast; a pair whose
 * send failed fails its own cell only.
 */
final class DurableRestart implements AutoCloseable {

    private final Path dir;
    private final Map<String, Destination> destinations = new LinkedHashMap<>();
    private final Map<String, Throwable> sendFailures = new LinkedHashMap<>();
    private final Map<Class<? extends ProtocolEndpoint>, ProtocolEndpoint> receivers = new LinkedHashMap<>();
    private final MatrixBroker restarted;

    /** Sends {@code message} for every pair, restarts, and connects a receiver of every kind to the new broker. */
    DurableRestart(List<Class<? extends ProtocolEndpoint>> kinds, TestMessage message) throws Exception {
        dir = Files.createTempDirectory("matrix-durable");
        try (MatrixBroker first = MatrixBroker.durable(dir)) {
            Map<Class<? extends ProtocolEndpoint>, ProtocolEndpoint> before = new LinkedHashMap<>();
            try {
                for (Class<? extends ProtocolEndpoint> k : kinds) {
                    before.put(k, create(k, first));
                }
                for (ProtocolEndpoint tx : before.values()) {
                    for (ProtocolEndpoint rx : before.values()) {
                        String key = key(tx.getClass(), rx.getClass());
                        try {
                            Destination d = Destination.fresh(rx.listensOn());
                            first.prepare(d);
                            rx.listen(d).close(); // a topic subscriber's persistent session exists before the send
                            tx.send(d, message);
                            destinations.put(key, d);
                        } catch (Exception | AssertionError e) {
                            sendFailures.put(key, e);
                        }
                    }
                }
            } finally {
                for (ProtocolEndpoint e : before.values()) {
                    e.close();
                }
            }
        }
        restarted = MatrixBroker.durable(dir);
        for (Class<? extends ProtocolEndpoint> k : kinds) {
            receivers.put(k, create(k, restarted));
        }
    }

    static ProtocolEndpoint create(Class<? extends ProtocolEndpoint> c, MatrixBroker broker) throws Exception {
        return c.getConstructor(MatrixBroker.class).newInstance(broker);
    }

    private static String key(Class<?> tx, Class<?> rx) {
        return tx.getName() + "->" + rx.getName();
    }

    /** What the pair's receiver gets from the restarted broker; fails if the pair's send had failed. */
    ReceivedMessage receive(Class<? extends ProtocolEndpoint> tx, Class<? extends ProtocolEndpoint> rx, Duration timeout)
            throws Exception {
        Throwable failed = sendFailures.get(key(tx, rx));
        if (failed != null) {
            throw new AssertionError("sending before the restart failed: " + failed, failed);
        }
        try (ProtocolEndpoint.Inbox in = receivers.get(rx).listen(destinations.get(key(tx, rx)))) {
            return in.receive(timeout);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            for (ProtocolEndpoint e : receivers.values()) {
                e.close();
            }
            restarted.close();
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
