package io.ferrymq.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker as its own process: the command line, start-up logging, and a clean stop on SIGTERM. */
class ServerProcessTest {

    private static final Pattern LISTENER = Pattern.compile("Listener 'stomp': stomp on 127\\.0\\.0\\.1:(\\d+)");

    private static Process launch(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.ferrymq.server.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    void runsLogsEachListenerAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("broker.yaml");
        Files.writeString(config, """
                security:
                  password-iterations: 1000
                listeners:
                  - name: stomp
                    protocols: [stomp]
                    port: 0
                storage:
                  data-dir: %s
                """.formatted(dir.resolve("data")));
        Process p = launch("run", "--config", config.toString());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (Exception e) {
                lines.add("reader failed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            int port = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (port < 0 && System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    Matcher m = LISTENER.matcher(line);
                    if (m.find()) {
                        port = Integer.parseInt(m.group(1));
                    }
                }
            }
            assertThat(port).as("the broker logged its listener").isPositive();
            assertThat(FerryServerTest.stompConnect(port, "guest", "guest")).startsWith("CONNECTED");

            // SIGTERM; Process.destroy() would also close our end of the output pipe.
            p.toHandle().destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
            assertThat(String.join("\n", lines)).contains("FerryMQ stopping").contains("FerryMQ stopped");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void versionAndHelpAndBadConfiguration(@TempDir Path dir) throws Exception {
        Process version = launch("--version");
        assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("FerryMQ");
        assertThat(version.exitValue()).isZero();

        Process help = launch("run", "--help");
        assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("--config");

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "listners: []\n");
        Process failing = launch("run", "--config", bad.toString());
        assertThat(failing.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(failing.exitValue()).isEqualTo(2);
        assertThat(new String(failing.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("unknown setting 'listners'");
        assertThat(new File(dir.toFile(), "bad.yaml")).exists();
    }
}
