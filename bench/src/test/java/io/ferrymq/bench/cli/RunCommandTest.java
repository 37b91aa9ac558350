package io.ferrymq.bench.cli;

import io.ferrymq.bench.driver.AckMode;
import io.ferrymq.bench.driver.DestinationKind;
import io.ferrymq.bench.driver.Protocol;
import io.ferrymq.bench.load.LoadSpec;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunCommandTest {

    private static RunCommand parse(String... args) {
        CommandLine cl = FerryBench.commandLine();
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        return (RunCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void aScenarioSuppliesTheDefaultsAndOptionsOverrideThem() {
        RunCommand run = parse("run", "--scenario", "stomp-queue-10x10-persistent", "-t", "20s", "--warmup", "500ms",
                "--consumers", "5");
        LoadSpec spec = run.spec();
        assertThat(spec.producers()).isEqualTo(10);
        assertThat(spec.consumers()).isEqualTo(5);
        assertThat(spec.persistent()).isTrue();
        assertThat(spec.ackMode()).isEqualTo(AckMode.CLIENT);
        assertThat(spec.duration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(spec.warmup()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void withoutAScenarioTheDefaultsApply() {
        LoadSpec spec = parse("run", "--kind", "topic", "--no-persistent", "--ack", "client_individual").spec();
        assertThat(spec.kind()).isEqualTo(DestinationKind.TOPIC);
        assertThat(spec.ackMode()).isEqualTo(AckMode.CLIENT_INDIVIDUAL);
        assertThat(spec.messageSize()).isEqualTo(LoadSpec.defaults().messageSize());
    }

    @Test
    void endpointOptionsMakeAnyBrokerReachable() {
        RunCommand run = parse("run", "-P", "62613", "--user", "u", "--password", "p", "--queue-prefix", "",
                "--subscribe-header", "consumer-window-size=-1");
        assertThat(run.endpoint.endpoint(Protocol.STOMP).port()).isEqualTo(62613);
        assertThat(run.endpoint.endpoint(Protocol.STOMP).destination(DestinationKind.QUEUE, "q")).isEqualTo("q");
        assertThat(run.endpoint.endpoint(Protocol.STOMP).subscribeHeaders()).containsEntry("consumer-window-size", "-1");
    }

    @Test
    void anMqttScenarioSelectsTheProtocolAndItsPort() {
        RunCommand run = parse("run", "--scenario", "mqtt-qos1-10x10");
        LoadSpec spec = run.spec();
        assertThat(spec.protocol()).isEqualTo(Protocol.MQTT);
        assertThat(spec.destinations()).isEqualTo(10);
        assertThat(spec.persistent()).isTrue();
        assertThat(run.endpoint.endpoint(spec.protocol()).port()).isEqualTo(1883);
        assertThat(parse("run", "--scenario", "mqtt-qos1-10x10", "--protocol", "stomp").spec().protocol())
                .isEqualTo(Protocol.STOMP);
    }

    @Test
    void anUnknownScenarioOrAnImpossibleLoadIsAUsageError() {
        assertThatThrownBy(() -> parse("run", "--scenario", "nope").spec()).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("unknown scenario");
        assertThatThrownBy(() -> parse("run", "-d", "3", "-p", "1").spec()).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("every destination needs a producer");
    }

    @Test
    void durationsTakeUnits() {
        assertThat(DurationConverter.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationConverter.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationConverter.parse("3")).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> DurationConverter.parse("soon")).isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
