package io.ferrymq.server;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distribution on a machine with only a Java runtime: unpacked into an empty directory, {@code bin/ferrymq run}
 * starts with nothing but {@code java} (and the {@code bash} the launcher is written in) on the PATH, serves a STOMP
 * round trip, answers {@code bin/ferrymq status}, and stops on SIGTERM. Also: its licence files cover lib/.
 */
@Tag("system")
class DistributionTarballIT {

    private static final Pattern LISTENER = Pattern.compile("Listener '([\\w-]+)': .* on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path work;

    /** A PATH of one directory holding only {@code java} and {@code bash}: no Maven, no coreutils. */
    private Map<String, String> javaOnlyEnvironment() throws Exception {
        Path bin = Files.createDirectories(work.resolve("path"));
        Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        Files.createSymbolicLink(bin.resolve("bash"), Path.of("/bin/bash").toRealPath());
        return Map.of("PATH", bin.toString(), "HOME", work.toString(), "LANG", "C.UTF-8");
    }

    private Process launch(UnpackedDistribution dist, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(dist.resolve("bin/ferrymq").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dist.home().toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void unpackedTarballRunsWithOnlyJavaServesEveryProtocolAnswersStatusAndStops() throws Exception {
        UnpackedDistribution dist = UnpackedDistribution.into(Files.createDirectories(work.resolve("unpacked")));
        assertThat(dist.resolve("bin/ferrymq")).isExecutable();
        assertThat(dist.resolve("conf/broker.yaml")).isRegularFile();
        Path config = work.resolve("test.yaml");
        Files.writeString(config, """
                security:
                  password-iterations: 1000
                listeners:
                  - {name: stomp, protocols: [stomp], host: 127.0.0.1, port: 0}
                  - {name: mixed, protocols: [mqtt, amqp, amqp091, openwire], host: 127.0.0.1, port: 0}
                  - {name: management, protocols: [management], host: 127.0.0.1, port: 0}
                """);
        Map<String, String> env = javaOnlyEnvironment();
        Process broker = launch(dist, env, "run", "--config", config.toString());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(broker.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (Exception e) {
                lines.add("reader failed: " + e);
            }
        }, "distribution-output");
        reader.setDaemon(true);
        reader.start();
        List<String> seen = new ArrayList<>();
        try {
            Map<String, Integer> ports = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (ports.size() < 3 && System.nanoTime() < deadline && (broker.isAlive() || !lines.isEmpty())) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    seen.add(line);
                    Matcher m = LISTENER.matcher(line);
                    if (m.find()) {
                        ports.put(m.group(1), Integer.parseInt(m.group(2)));
                    }
                }
            }
            assertThat(ports).as("the broker's output:\n" + String.join("\n", seen))
                    .containsOnlyKeys("stomp", "mixed", "management");

            try (Socket s = FerryServerTest.loggedIn(ports.get("stomp"), "guest", "guest")) {
                assertThat(FerryServerTest.exchange(s, "SUBSCRIBE\nid:1\ndestination:/queue/dist\nreceipt:r1\n\n\0"))
                        .startsWith("RECEIPT");
                assertThat(FerryServerTest.exchange(s,
                        "SEND\ndestination:/queue/dist\nreceipt:r2\n\nfrom the tarball\0")).startsWith("RECEIPT");
                String message = FerryServerTest.readFrame(s.getInputStream());
                assertThat(message).startsWith("MESSAGE").endsWith("\n\nfrom the tarball");
            }

            // Each protocol module's libraries are in lib/: the OpenWire one once was not (a test-scope
            // declaration in the server's pom hid the module's own), and the broker could not start it.
            try (Connection c = new ActiveMQConnectionFactory("guest", "guest",
                    "tcp://127.0.0.1:" + ports.get("mixed")).createConnection()) {
                c.start();
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue queue = session.createQueue("dist.openwire");
                session.createProducer(queue).send(session.createTextMessage("over OpenWire"));
                Message got = session.createConsumer(queue).receive(60_000);
                assertThat(got).isInstanceOf(TextMessage.class);
                assertThat(((TextMessage) got).getText()).isEqualTo("over OpenWire");
            }

            Process status = launch(dist, env, "status", "--url", "http://127.0.0.1:" + ports.get("management"));
            assertThat(status.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String out = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(status.exitValue()).as(out).isZero();
            assertThat(out).startsWith("FerryMQ " + dist.version() + " running for ")
                    .contains("listener stomp on 127.0.0.1:" + ports.get("stomp"));

            Process version = launch(dist, env, "--version");
            assertThat(version.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .startsWith("FerryMQ " + dist.version() + "\n");

            Process perf = launch(dist, env, "perf", "--help");
            assertThat(perf.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(perf.exitValue()).isEqualTo(2);
            assertThat(new String(perf.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("not part of this distribution").contains("bench/bin/ferrymq-bench");

            // SIGTERM to the JVM (the launcher execs java, so the process is the broker itself).
            broker.toHandle().destroy();
            assertThat(broker.waitFor(60, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
            lines.drainTo(seen);
            assertThat(String.join("\n", seen)).contains("FerryMQ stopped");
            // Data and logs go where the distribution says: ./data from the start directory, logs/ under it.
            assertThat(dist.resolve("data")).isDirectory();
            assertThat(UnpackedDistribution.read(dist.resolve("logs/ferrymq.log"))).contains("FerryMQ stopped");
        } finally {
            broker.destroyForcibly();
        }
    }

    @Test
    void licencesCoverEveryThirdPartyJarAndLibHoldsRuntimeJarsOnly() throws Exception {
        UnpackedDistribution dist = UnpackedDistribution.into(Files.createDirectories(work.resolve("unpacked")));
        assertThat(UnpackedDistribution.read(dist.resolve("LICENSE"))).contains("Apache License");
        assertThat(dist.resolve("NOTICE")).isRegularFile();
        String thirdParty = UnpackedDistribution.read(dist.resolve("THIRD-PARTY.txt"));
        List<String> jars;
        try (Stream<Path> lib = Files.list(dist.resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(jars).contains("ferrymq-server-" + dist.version() + ".jar", "ferrymq-broker-core-" + dist.version()
                + ".jar");
        assertThat(jars).allMatch(j -> j.endsWith(".jar"))
                .noneMatch(j -> j.startsWith("junit") || j.startsWith("assertj") || j.startsWith("awaitility")
                        || j.contains("-tests") || j.startsWith("maven-"));
        List<String> unlisted = jars.stream().filter(j -> !j.startsWith("ferrymq-"))
                .filter(j -> !thirdParty.contains("\n" + j + "\n")).toList();
        assertThat(unlisted).as("jars of lib/ missing from THIRD-PARTY.txt: run dist/third-party-licenses.py").isEmpty();
    }
}
