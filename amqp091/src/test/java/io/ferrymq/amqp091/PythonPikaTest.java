package io.ferrymq.amqp091;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's python3-pika (blocking and select connections) against the broker. Debian's packages live
 * under {@code /usr/bin/python3}; CI installs the package ({@code bin/run-tests}); a machine without it fails
 * these tests with instructions, never skips them.
 */
class PythonPikaTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static EmbeddedAmqp091Broker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedAmqp091Broker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aBlockingConnectionPublishesWithConfirmsConsumesAndSeesErrors() throws Exception {
        String out = run("blocking");
        assertThat(out).contains("\"body\": \"m0\"", "\"body\": \"m4\"", "\"key\": \"pika.n3\"", "\"header\": 2",
                "\"type\": \"text/plain\"");
        assertThat(out).contains("\"unroutable\": true");
        assertThat(out).contains("\"missing\": [404, \"NOT_FOUND - no queue 'pika-missing' in vhost '/'\"]");
    }

    @Test
    void aSelectConnectionConsumesAsynchronously() throws Exception {
        assertThat(run("select")).isEqualTo("{\"received\": [\"async hello\"]}");
    }

    @Test
    void anRpcRoundTripUsesDirectReplyTo() throws Exception {
        assertThat(run("direct-reply-to")).isEqualTo("{\"replies\": ["
                + "{\"body\": \"pong0\", \"correlation_id\": \"0\", \"via\": true}, "
                + "{\"body\": \"pong1\", \"correlation_id\": \"1\", \"via\": true}, "
                + "{\"body\": \"pong2\", \"correlation_id\": \"2\", \"via\": true}], "
                + "\"rewritten\": [true, true, true]}");
    }

    private static String run(String scenario) throws IOException, InterruptedException, URISyntaxException {
        if (!Files.isExecutable(PYTHON)) {
            throw new AssertionError("/usr/bin/python3 is missing: install Debian's python3 and python3-pika"
                    + " (bin/run-tests does)");
        }
        Path script = Path.of(PythonPikaTest.class.getResource("/python/pika_scenarios.py").toURI());
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), scenario, Integer.toString(broker.port))
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pika scenario '" + scenario + "' did not finish within 120 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (err.contains("No module named 'pika'")) {
            throw new AssertionError("python3-pika is not installed: apt-get install python3-pika (bin/run-tests does)");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("pika scenario '" + scenario + "' failed (exit " + p.exitValue() + "):\n" + err);
        }
        return out;
    }
}
