package io.ferrymq.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The broker as a child process (the test's own classpath), for kill -9 and restart tests. */
final class BrokerProcess implements AutoCloseable {

    private static final Pattern LISTENER = Pattern.compile("Listener '([\\w-]+)': [\\w, ]+ on 127\\.0\\.0\\.1:(\\d+)");

    /** Every listener {@link #startAllListeners} configures, and the protocols it serves. */
    static final Map<String, String> ALL_LISTENERS = Map.of(
            "stomp", "[stomp]", "mqtt", "[mqtt]", "amqp", "[amqp]", "websocket", "[stomp, mqtt, amqp]",
            "unified", "[stomp, mqtt, amqp]", "aws", "[aws]");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Map<String, Integer> ports = new HashMap<>();
    final int port;

    private BrokerProcess(Process process, Path log) throws InterruptedException {
        this(process, log, Set.of("stomp"));
    }

    private BrokerProcess(Process process, Path log, Set<String> listeners) throws InterruptedException {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
                 java.io.Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                         java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    w.write(line);
                    w.write('\n');
                    w.flush();
                }
            } catch (Exception e) {
                lines.add("(output closed: " + e + ")");
            }
        }, "broker-output");
        reader.setDaemon(true);
        reader.start();
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!ports.keySet().containsAll(listeners) && System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                seen.add(line);
                Matcher m = LISTENER.matcher(line);
                if (m.find()) {
                    ports.put(m.group(1), Integer.parseInt(m.group(2)));
                }
            } else if (!process.isAlive()) {
                break;
            }
        }
        if (!ports.keySet().containsAll(listeners)) {
            process.destroyForcibly();
            throw new AssertionError("the broker did not start; its output:\n" + String.join("\n", seen));
        }
        this.port = ports.get(listeners.contains("stomp") ? "stomp" : listeners.iterator().next());
    }

    /** Starts a broker with a journal in {@code dataDir} and STOMP on a free port. */
    static BrokerProcess start(Path workDir, Path dataDir, String extraJvmArg) throws Exception {
        return start(workDir, dataDir, "512m", extraJvmArg);
    }

    static BrokerProcess start(Path workDir, Path dataDir, String heap, String extraJvmArg) throws Exception {
        return start(workDir, dataDir, heap, extraJvmArg, "  segment-size: 4MiB\n");
    }

    /** As above, with {@code storageLines} (YAML indented by two spaces) as the rest of the storage section. */
    static BrokerProcess start(Path workDir, Path dataDir, String heap, String extraJvmArg, String storageLines)
            throws Exception {
        Path config = workDir.resolve("broker.yaml");
        Files.writeString(config, """
                security:
                  password-iterations: 1000
                listeners:
                  - name: stomp
                    protocols: [stomp]
                    port: 0
                storage:
                  data-dir: %s
                """.formatted(dataDir) + storageLines);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError"));
        if (extraJvmArg != null) {
            cmd.add(extraJvmArg);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.ferrymq.server.Main", "run", "--config",
                config.toString()));
        return new BrokerProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start(), workDir.resolve("broker.log"));
    }

    /**
     * Starts a broker with every listener of {@link #ALL_LISTENERS} on free ports, a journal in
     * {@code dataDir} and {@code heap}; {@link #port(String)} gives each listener's port.
     */
    static BrokerProcess startAllListeners(Path workDir, Path dataDir, String heap) throws Exception {
        Path config = workDir.resolve("broker-all.yaml");
        StringBuilder listeners = new StringBuilder();
        ALL_LISTENERS.forEach((name, protocols) -> listeners.append("""
                  - name: %s
                    protocols: %s
                    host: 127.0.0.1
                    port: 0
                """.formatted(name, protocols)).append(name.equals("websocket") ? "    websocket: true\n" : ""));
        Files.writeString(config, """
                security:
                  password-iterations: 1000
                listeners:
                %sstorage:
                  data-dir: %s
                  segment-size: 4MiB
                """.formatted(listeners, dataDir));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), "io.ferrymq.server.Main", "run", "--config", config.toString());
        return new BrokerProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start(), workDir.resolve("broker.log"),
                ALL_LISTENERS.keySet());
    }

    /** Starts a broker with {@code yaml} as its whole configuration, waiting for {@code listeners} to be bound. */
    static BrokerProcess startWithConfig(Path workDir, String yaml, Set<String> listeners) throws Exception {
        Path config = workDir.resolve("broker-custom.yaml");
        Files.writeString(config, yaml);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), "io.ferrymq.server.Main", "run", "--config", config.toString());
        return new BrokerProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start(), workDir.resolve("broker.log"),
                listeners);
    }

    /** The port of a listener by its configured name. */
    int port(String listener) {
        Integer p = ports.get(listener);
        if (p == null) {
            throw new IllegalArgumentException("no listener '" + listener + "'; have " + ports.keySet());
        }
        return p;
    }

    /** SIGTERM, as an operator stops the broker; @return its exit code */
    int terminate() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the broker did not stop within 120 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** The broker's process id, for /proc. */
    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no flush, exactly what a crash leaves. */
    void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    String output() {
        return String.join("\n", lines);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
