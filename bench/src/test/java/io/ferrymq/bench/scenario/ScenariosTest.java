package io.ferrymq.bench.scenario;

import io.ferrymq.bench.driver.AckMode;
import io.ferrymq.bench.driver.DestinationKind;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.Protocol;
import io.ferrymq.bench.testing.LoopbackDriver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class ScenariosTest {

    @Test
    void theStandardScenariosAreTheOnesTheIssueNames() {
        assertThat(Scenarios.all()).extracting(Scenario::name).containsExactly("stomp-queue-1x1",
                "stomp-queue-1x1-persistent", "stomp-queue-10x10", "stomp-queue-10x10-persistent", "stomp-topic-1x50",
                "mqtt-qos0-10x10", "mqtt-qos1-10x10", "mqtt-qos0-1x100", "amqp-queue-1x1", "amqp-queue-1x1-persistent",
                "amqp-queue-10x10", "amqp-queue-10x10-persistent", "amqp091-queue-1x1", "amqp091-queue-1x1-persistent",
                "amqp091-queue-10x10", "amqp091-queue-10x10-persistent", "openwire-queue-1x1",
                "openwire-queue-1x1-persistent", "openwire-queue-10x10", "openwire-queue-10x10-persistent");
        Scenario fanOut = Scenarios.named("stomp-topic-1x50").orElseThrow();
        assertThat(fanOut.spec().kind()).isEqualTo(DestinationKind.TOPIC);
        assertThat(fanOut.spec().producers()).isEqualTo(1);
        assertThat(fanOut.spec().consumers()).isEqualTo(50);
        Scenario mqttFanOut = Scenarios.named("mqtt-qos0-1x100").orElseThrow();
        assertThat(mqttFanOut.spec().destinations()).isEqualTo(1);
        assertThat(mqttFanOut.spec().consumers()).isEqualTo(100);
        assertThat(Scenarios.named("mqtt-qos1-10x10").orElseThrow().spec().destinations()).isEqualTo(10);
    }

    @Test
    void persistentScenariosAcknowledgeCumulativelyAndTheOthersAutomatically() {
        assertThat(Scenarios.named("stomp-queue-10x10-persistent").orElseThrow().spec().ackMode()).isEqualTo(AckMode.CLIENT);
        assertThat(Scenarios.named("stomp-queue-10x10").orElseThrow().spec().ackMode()).isEqualTo(AckMode.AUTO);
        assertThat(Scenarios.named("amqp-queue-10x10-persistent").orElseThrow().spec().ackMode()).isEqualTo(AckMode.CLIENT);
        assertThat(Scenarios.named("amqp-queue-1x1").orElseThrow().spec().ackMode()).isEqualTo(AckMode.AUTO);
        assertThat(Scenarios.named("amqp-queue-1x1").orElseThrow().spec().protocol()).isEqualTo(Protocol.AMQP);
        assertThat(Scenarios.named("amqp091-queue-10x10-persistent").orElseThrow().spec().protocol())
                .isEqualTo(Protocol.AMQP091);
        assertThat(Scenarios.named("amqp091-queue-10x10-persistent").orElseThrow().spec().ackMode())
                .isEqualTo(AckMode.CLIENT);
        assertThat(Scenarios.named("openwire-queue-10x10-persistent").orElseThrow().spec().protocol())
                .isEqualTo(Protocol.OPENWIRE);
        assertThat(Scenarios.named("no-such")).isEmpty();
    }

    @Test
    void connectionScaleCountsEveryConnectionMade() throws Exception {
        ConnectionScaleResult r = new ConnectionScale(new LoopbackDriver(), new DriverErrors())
                .run(2500, 10, OptionalLong.of(ProcessHandle.current().pid()), Duration.ZERO, n -> { });
        assertThat(r.connected()).isEqualTo(2500);
        assertThat(r.failed()).isZero();
        assertThat(r.rssBeforeKiB()).isPositive();
        assertThat(r.rssAfterKiB()).isPositive();
    }
}
