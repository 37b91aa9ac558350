package io.ferrymq.bench.driver.mqtt;

import io.ferrymq.bench.driver.AckMode;
import io.ferrymq.bench.driver.DestinationKind;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.Endpoint;
import io.ferrymq.bench.driver.Protocol;
import io.ferrymq.bench.load.LoadRunner;
import io.ferrymq.bench.load.LoadSpec;
import io.ferrymq.bench.load.ProgressListener;
import io.ferrymq.bench.load.RunResult;
import io.ferrymq.mqtt.MqttProtocol;
import io.ferrymq.mqtt.MqttSettings;
import io.ferrymq.transport.testing.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A short real load through the HiveMQ client against FerryMQ's MQTT listener: nothing lost or duplicated. */
class HiveMqDriverTest {

    private EmbeddedBroker broker;

    @BeforeEach
    void start() {
        broker = EmbeddedBroker.builder()
                .protocol(b -> new MqttProtocol(b, MqttSettings.defaults().withSysIntervalSeconds(0)))
                .tcp("mqtt", "mqtt").start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @ParameterizedTest(name = "{0} {1}x{2} qos1={3}")
    @CsvSource({"TOPIC, 2, 2, false", "TOPIC, 2, 2, true", "TOPIC, 1, 3, true", "QUEUE, 2, 2, true"})
    void aShortRunDeliversEveryMessageExactlyOnce(DestinationKind kind, int producers, int consumers, boolean qos1)
            throws Exception {
        int destinations = kind == DestinationKind.TOPIC && producers == consumers ? producers : 1;
        LoadSpec spec = new LoadSpec(Protocol.MQTT, producers, consumers, destinations, kind, "t", 256, qos1,
                qos1 ? AckMode.CLIENT_INDIVIDUAL : AckMode.AUTO, 1, 100, 20, 2_000, Duration.ZERO,
                Duration.ofMillis(500), Duration.ofSeconds(20));
        Endpoint endpoint = new Endpoint("127.0.0.1", broker.port("mqtt"), "guest", "guest", null, null, null, Map.of());
        DriverErrors errors = new DriverErrors();
        RunResult r;
        try (HiveMqDriver driver = new HiveMqDriver(endpoint, errors)) {
            r = new LoadRunner(driver, errors, spec, 100).run(ProgressListener.NONE);
        }
        assertThat(errors.firstFew()).isEmpty();
        assertThat(r.integrity().expected()).isPositive();
        assertThat(r.integrity().clean()).as("%s", r.integrity()).isTrue();
        assertThat(r.integrity().delivered()).isEqualTo(r.integrity().expected());
        assertThat(r.latency().count()).isPositive();
    }
}
