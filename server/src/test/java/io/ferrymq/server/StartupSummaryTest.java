package io.ferrymq.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A started broker logs, right after its {@code started} line, one block naming each protocol's ports (TLS
 * marked), the data and log locations, the guest rule and the console's URL: read from the log of a broker
 * process run as {@code bin/ferrymq} runs it (conf/log4j2.xml, ferrymq.home).
 */
class StartupSummaryTest {

    private static final Pattern LISTENER = Pattern.compile("Listener '([\\w-]+)': .* on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern LOG_PREFIX = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ");

    @Test
    void theBlockAfterStartedNamesPortsDataLogsGuestRuleAndConsole(@TempDir Path home) throws Exception {
        Path tls = home.resolve("tls");
        SelfSignedTls.write(tls, List.of("localhost"), Duration.ofDays(1), false);
        Path data = home.resolve("data");
        Path config = home.resolve("broker.yaml");
        Files.writeString(config, """
                security:
                  password-iterations: 1000
                storage:
                  data-dir: %s
                tls:
                  certificate: %s
                  key: %s
                listeners:
                  - {name: stomp, protocols: [stomp], host: 127.0.0.1, port: 0}
                  - {name: stomps, protocols: [stomp], host: 127.0.0.1, port: 0, tls: true}
                  - {name: mqtt-ws, protocols: [mqtt], host: 127.0.0.1, port: 0, websocket: true}
                  - {name: management, protocols: [management], host: 127.0.0.1, port: 0}
                """.formatted(data, tls.resolve("server.pem"), tls.resolve("server.key")));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Dferrymq.home=" + home,
                "-Dlog4j2.configurationFile=" + Path.of("..", "conf", "log4j2.xml").toAbsolutePath().normalize(),
                "-cp", System.getProperty("java.class.path"), "io.ferrymq.server.Main", "run", "--config",
                config.toString()).redirectErrorStream(true).start();
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
        }, "broker-output");
        reader.setDaemon(true);
        reader.start();
        try {
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            // The block ends with its console line; everything up to there is collected.
            while (seen.stream().noneMatch(l -> l.startsWith("  console ")) && System.nanoTime() < deadline
                    && (p.isAlive() || !lines.isEmpty())) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    seen.add(line);
                }
            }
            String all = String.join("\n", seen);
            java.util.Map<String, String> port = new java.util.HashMap<>();
            for (String l : seen) {
                Matcher m = LISTENER.matcher(l);
                if (m.find()) {
                    port.put(m.group(1), m.group(2));
                }
            }
            assertThat(port).as(all).containsOnlyKeys("stomp", "stomps", "mqtt-ws", "management");

            int started = indexOf(seen, l -> l.contains(" started: "));
            assertThat(started).as(all).isNotNegative();
            assertThat(seen).as("a block after the started line:\n" + all).hasSizeGreaterThan(started + 1);
            assertThat(seen.get(started + 1)).as(all).matches(LOG_PREFIX.pattern() + "INFO\\s.*Ready for clients:$");
            List<String> block = new ArrayList<>();
            for (int i = started + 2; i < seen.size() && !LOG_PREFIX.matcher(seen.get(i)).find(); i++) {
                block.add(seen.get(i));
            }
            String m = port.get("management");
            assertThat(block).as(all).containsExactly(
                    "  stomp      127.0.0.1:" + port.get("stomp") + ", 127.0.0.1:" + port.get("stomps") + " TLS",
                    "  mqtt       127.0.0.1:" + port.get("mqtt-ws") + " WebSocket",
                    "  management 127.0.0.1:" + m,
                    "  data       " + data.toAbsolutePath(),
                    "  logs       " + home.resolve("logs").resolve("ferrymq.log").toAbsolutePath(),
                    "  users      guest/guest may log in from this machine only (loopback); add users for other"
                            + " machines in security.users or with `ferrymq user add`",
                    "  console    http://127.0.0.1:" + m + "/");
            // Through Log4j: the same block is in the log file too, once the file appender has written it (the
            // console can show it first).
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(Files.readString(home.resolve("logs").resolve("ferrymq.log"))).contains(String.join(
                            System.lineSeparator(), block)));
        } finally {
            p.toHandle().destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static int indexOf(List<String> lines, java.util.function.Predicate<String> test) {
        for (int i = 0; i < lines.size(); i++) {
            if (test.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
