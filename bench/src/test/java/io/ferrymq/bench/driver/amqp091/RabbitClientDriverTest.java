package io.ferrymq.bench.driver.amqp091;

import io.ferrymq.amqp091.Amqp091Protocol;
import io.ferrymq.amqp091.Amqp091Settings;
import io.ferrymq.bench.driver.AckMode;
import io.ferrymq.bench.driver.DestinationKind;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.Endpoint;
import io.ferrymq.bench.driver.Protocol;
import io.ferrymq.bench.load.LoadRunner;
import io.ferrymq.bench.load.LoadSpec;
import io.ferrymq.bench.load.ProgressListener;
import io.ferrymq.bench.load.RunResult;
import io.ferrymq.transport.testing.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A short real load through the RabbitMQ Java client against FerryMQ's AMQP 0-9-1 listener: nothing lost or duplicated. */
class RabbitClientDriverTest {

    private EmbeddedBroker broker;
    private Endpoint endpoint;

    @BeforeEach
    void start() {
        broker = EmbeddedBroker.builder()
                .protocol(b -> new Amqp091Protocol(b, Amqp091Settings.defaults()))
                .tcp("amqp091", "amqp091").start();
        endpoint = new Endpoint("127.0.0.1", broker.port("amqp091"), "guest", "guest", null, "/queue/", "/topic/",
                Map.of());
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @ParameterizedTest(name = "{0} {1}x{2} persistent={3} {4}")
    @CsvSource({"QUEUE, 2, 2, false, AUTO", "QUEUE, 2, 2, true, CLIENT", "QUEUE, 1, 1, true, CLIENT_INDIVIDUAL",
            "TOPIC, 1, 3, false, AUTO"})
    void aShortRunDeliversEveryMessageExactlyOnce(DestinationKind kind, int producers, int consumers, boolean persistent,
                                                  AckMode ackMode) throws Exception {
        LoadSpec spec = new LoadSpec(Protocol.AMQP091, producers, consumers, 1, kind, "a", 256, persistent, ackMode, 10,
                100, 20, 2_000, Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(20));
        DriverErrors errors = new DriverErrors();
        RunResult r;
        try (RabbitClientDriver driver = new RabbitClientDriver(endpoint, errors)) {
            r = new LoadRunner(driver, errors, spec, 100).run(ProgressListener.NONE);
        }
        assertThat(errors.firstFew()).isEmpty();
        assertThat(r.integrity().expected()).isPositive();
        assertThat(r.integrity().clean()).as("%s", r.integrity()).isTrue();
        assertThat(r.integrity().delivered()).isEqualTo(r.integrity().expected());
        assertThat(r.latency().count()).isPositive();
    }

    @Test
    void cumulativeAcksLeaveNothingBehindOnTheBrokerOnceConsumersClose() throws Exception {
        LoadSpec spec = new LoadSpec(Protocol.AMQP091, 1, 1, 1, DestinationKind.QUEUE, "left", 128, true,
                AckMode.CLIENT, 7, 50, 10, 500, Duration.ZERO, Duration.ofMillis(300), Duration.ofSeconds(20));
        DriverErrors errors = new DriverErrors();
        try (RabbitClientDriver driver = new RabbitClientDriver(endpoint, errors)) {
            new LoadRunner(driver, errors, spec, 100).run(ProgressListener.NONE);
        }
        assertThat(errors.firstFew()).isEmpty();
        var vhost = broker.broker().vhost("/");
        assertThat(vhost.queues()).isNotEmpty();
        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> {
            for (var q : vhost.queues()) {
                assertThat(q.exactStats().join().total()).as("messages left in %s", q.name()).isZero();
            }
        });
    }
}
