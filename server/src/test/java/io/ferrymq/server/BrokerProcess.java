package io.ferrymq.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The broker as a child process (the test's own classpath), for kill -9 and restart tests. */
final class BrokerProcess implements AutoCloseable {

    private static final Pattern LISTENER = Pattern.compile("Listener 'stomp': stomp on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final int port;

    private BrokerProcess(Process process, Path log) throws InterruptedException {
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
        int found = -1;
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (found < 0 && System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                seen.add(line);
                Matcher m = LISTENER.matcher(line);
                if (m.find()) {
                    found = Integer.parseInt(m.group(1));
                }
            } else if (!process.isAlive()) {
                break;
            }
        }
        if (found < 0) {
            process.destroyForcibly();
            throw new AssertionError("the broker did not start; its output:\n" + String.join("\n", seen));
        }
        this.port = found;
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
