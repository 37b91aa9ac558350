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
 * Debian's python3-kombu, the messaging layer under Celery, against the broker: a task-style producer and
 * consumer, and the fanout broadcast and pidbox remote control whose queues carry x-expires. CI installs
 * the package ({@code bin/run-tests}); a machine without it fails these tests with instructions.
 */
class PythonKombuTest {

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
    void aSimpleQueueCarriesTaskMessagesFromProducerToConsumer() throws Exception {
        assertThat(run("simple")).isEqualTo("{\"received\": [[0, 0], [1, 1], [2, 2]]}");
    }

    @Test
    void aFanoutBroadcastAndAPidboxPingGoThroughExpiringQueues() throws Exception {
        assertThat(run("broadcast")).isEqualTo("{\"broadcast\": [\"everyone\", \"everyone\"],"
                + " \"replies\": [{\"worker-1\": {\"ok\": \"pong\"}}]}");
    }

    private static String run(String scenario) throws IOException, InterruptedException, URISyntaxException {
        if (!Files.isExecutable(PYTHON)) {
            throw new AssertionError("/usr/bin/python3 is missing: install Debian's python3 and python3-kombu"
                    + " (bin/run-tests does)");
        }
        Path script = Path.of(PythonKombuTest.class.getResource("/python/kombu_scenarios.py").toURI());
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), scenario, Integer.toString(broker.port))
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kombu scenario '" + scenario + "' did not finish within 120 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (err.contains("No module named 'kombu'")) {
            throw new AssertionError("python3-kombu is not installed: apt-get install python3-kombu"
                    + " (bin/run-tests does)");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("kombu scenario '" + scenario + "' failed (exit " + p.exitValue() + "):\n" + err);
        }
        return out;
    }
}
