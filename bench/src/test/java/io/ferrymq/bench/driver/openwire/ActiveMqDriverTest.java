package io.ferrymq.bench.driver.openwire;

import io.ferrymq.bench.driver.AckMode;
import io.ferrymq.bench.driver.DestinationKind;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.Endpoint;
import io.ferrymq.bench.driver.Protocol;
import io.ferrymq.bench.load.LoadRunner;
import io.ferrymq.bench.load.LoadSpec;
import io.ferrymq.bench.load.ProgressListener;
import io.ferrymq.bench.load.RunResult;
import io.ferrymq.openwire.OpenwireProtocol;
import io.ferrymq.openwire.OpenwireSettings;
import io.ferrymq.transport.testing.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short real load through the ActiveMQ JMS client against FerryMQ's OpenWire listener: nothing lost or duplicated.
 * A second of warm-up first: the client loads its marshallers on first use, slowly on a busy machine.
 */
class ActiveMqDriverTest {

    private EmbeddedBroker broker;
    private Endpoint endpoint;

    @BeforeEach
    void start() {
        broker = EmbeddedBroker.builder()
                .protocol(b -> new OpenwireProtocol(b, OpenwireSettings.defaults()))
                .tcp("openwire", OpenwireProtocol.NAME).start();
        endpoint = new Endpoint("127.0.0.1", broker.port("openwire"), "guest", "guest", null, "/queue/", "/topic/",
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
        LoadSpec spec = new LoadSpec(Protocol.OPENWIRE, producers, consumers, 1, kind, "o", 256, persistent, ackMode, 10,
                100, 20, 2_000, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(20));
        DriverErrors errors = new DriverErrors();
        RunResult r;
        try (ActiveMqDriver driver = new ActiveMqDriver(endpoint, errors)) {
            r = new LoadRunner(driver, errors, spec, 100).run(ProgressListener.NONE);
        }
        assertThat(errors.firstFew()).isEmpty();
        assertThat(r.integrity().expected()).isPositive();
        assertThat(r.integrity().clean()).as("%s", r.integrity()).isTrue();
        assertThat(r.integrity().delivered()).isEqualTo(r.integrity().expected());
        assertThat(r.latency().count()).isPositive();
    }
}
