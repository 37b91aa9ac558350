package io.ferrymq.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's stomp.py against an HA pair ({@code python/ha_stomp_failover.py}): one connection listing both nodes
 * sends persistent messages with receipts, reconnecting to whichever node answers, until {@link #finish} asks it
 * to stop; it then drains the queue and reports what was confirmed and what was received.
 */
final class StompPyFailoverClient implements AutoCloseable {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private final Process process;
    private final Path errors;
    private final Thread reader;
    private final AtomicInteger confirmed = new AtomicInteger();
    private final Set<Integer> connectedTo = ConcurrentHashMap.newKeySet();
    private final AtomicReference<String> result = new AtomicReference<>();
    /** Every line but the progress counts, for a failure's message. */
    private final java.util.Queue<String> events = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** What stomp.py saw confirmed, and what it received when it drained the queue afterwards. */
    record Outcome(Set<String> confirmed, Set<String> received) {
    }

    StompPyFailoverClient(int portA, int portB, String queue, Path dir) throws Exception {
        assertThat(PYTHON).as("Debian's python3 with python3-stomp (bin/run-tests installs them)").isExecutable();
        Path script = Path.of(StompPyFailoverClient.class.getResource("/python/ha_stomp_failover.py").toURI());
        errors = dir.resolve("stomp-py-" + queue + ".err");
        process = new ProcessBuilder(PYTHON.toString(), script.toString(), String.valueOf(portA), String.valueOf(portB),
                queue).redirectError(errors.toFile()).start();
        reader = new Thread(this::read, "stomp-py-output");
        reader.start();
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("confirmed ")) {
                    confirmed.set(Integer.parseInt(line.substring(10)));
                } else if (line.startsWith("connected ")) {
                    connectedTo.add(Integer.parseInt(line.substring(10)));
                    events.add(line + " (after " + confirmed.get() + " confirmed)");
                } else if (line.startsWith("{")) {
                    result.set(line);
                } else {
                    events.add(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            result.compareAndSet(null, "{\"error\": \"" + e + "\"}");
        }
    }

    /** How many sends stomp.py has had a receipt for so far. */
    int confirmed() {
        return confirmed.get();
    }

    /** What stomp.py reported besides its progress (connects, disconnects, errors, lost receipts) and its stderr. */
    String events() {
        String stderr;
        try {
            stderr = Files.readString(errors);
        } catch (IOException e) {
            stderr = e.toString();
        }
        return "confirmed " + confirmed.get() + "; events " + events + "; stderr: " + stderr;
    }

    /** The ports it has been connected to. */
    Set<Integer> connectedTo() {
        return connectedTo;
    }

    /** Stops sending, lets stomp.py drain the queue, and returns what it confirmed and received. */
    Outcome finish(long timeoutMillis) throws Exception {
        try (Writer w = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
            w.write("stop\n");
        }
        assertThat(process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)).as("stomp.py finished").isTrue();
        reader.join(timeoutMillis);
        assertThat(result.get()).as("stomp.py's result; its errors: %s", Files.readString(errors)).isNotNull();
        JsonNode json = new ObjectMapper().readTree(result.get());
        Set<String> sent = new HashSet<>();
        json.get("confirmed").forEach(n -> sent.add(n.asText()));
        Set<String> got = new HashSet<>();
        json.get("received").forEach(n -> got.add(n.asText()));
        return new Outcome(sent, got);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
