package io.ferrymq.bench.cli;

import io.ferrymq.bench.sqs.SqsSpec;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqsCommandTest {

    private static SqsCommand parse(String... args) {
        CommandLine.ParseResult parsed = FerryBench.commandLine().parseArgs(args);
        return (SqsCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void theDefaultsAreTenBatchingClientsEachWayOnAStandardQueueAtPort9324() {
        SqsCommand c = parse("sqs");
        assertThat(c.spec()).isEqualTo(SqsSpec.defaults());
        assertThat(c.spec().producers()).isEqualTo(10);
        assertThat(c.spec().consumers()).isEqualTo(10);
        assertThat(c.spec().batchSize()).isEqualTo(10);
        assertThat(c.spec().messageSize()).isEqualTo(1024);
        assertThat(c.spec().maxMessages()).isEqualTo(10);
        assertThat(c.spec().waitTimeSeconds()).isEqualTo(1);
        assertThat(c.spec().fifo()).isFalse();
        assertThat(c.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9324"));
    }

    @Test
    void clientsSetsBothSidesAndProducersOrConsumersOverrideOneSide() {
        SqsSpec s = parse("sqs", "-n", "4").spec();
        assertThat(s.producers()).isEqualTo(4);
        assertThat(s.consumers()).isEqualTo(4);
        s = parse("sqs", "--clients", "4", "-c", "2").spec();
        assertThat(s.producers()).isEqualTo(4);
        assertThat(s.consumers()).isEqualTo(2);
        s = parse("sqs", "-p", "3").spec();
        assertThat(s.producers()).isEqualTo(3);
        assertThat(s.consumers()).isEqualTo(10);
    }

    @Test
    void everyLoadOptionReachesTheSpec() {
        SqsCommand c = parse("sqs", "-P", "9424", "-H", "localhost", "--fifo", "--fifo-groups", "7", "-b", "5", "-s", "256",
                "--max-messages", "3", "--wait-time", "0", "--warmup", "500ms", "-t", "20s", "--drain-timeout", "2s",
                "--queue-name", "q_1", "--label", "elasticmq", "--json", "out.json", "-q");
        SqsSpec s = c.spec();
        assertThat(s.fifo()).isTrue();
        assertThat(s.fifoGroups()).isEqualTo(7);
        assertThat(s.batchSize()).isEqualTo(5);
        assertThat(s.messageSize()).isEqualTo(256);
        assertThat(s.maxMessages()).isEqualTo(3);
        assertThat(s.waitTimeSeconds()).isZero();
        assertThat(s.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.duration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.queueName("abc")).isEqualTo("q_1-abc.fifo");
        assertThat(c.endpoint()).isEqualTo(URI.create("http://localhost:9424"));
        assertThat(c.output.label).isEqualTo("elasticmq");
        assertThat(c.output.json).isEqualTo("out.json");
        assertThat(c.output.quiet).isTrue();
        assertThat(parse("sqs", "--endpoint-url", "http://h:1", "-P", "2").endpoint()).isEqualTo(URI.create("http://h:1"));
    }

    @Test
    void outOfRangeValuesAreRejectedWithTheOptionsName() {
        assertThatThrownBy(() -> parse("sqs", "-b", "11").spec()).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--batch");
        assertThatThrownBy(() -> parse("sqs", "--wait-time", "21").spec()).hasMessageContaining("--wait-time");
        assertThatThrownBy(() -> parse("sqs", "-n", "0").spec()).hasMessageContaining("--producers");
        assertThatThrownBy(() -> parse("sqs", "-s", "2000000").spec()).hasMessageContaining("--size");
        assertThatThrownBy(() -> parse("sqs", "-t", "0s").spec()).hasMessageContaining("--duration");
        assertThatThrownBy(() -> parse("sqs", "--queue-name", "a.b").spec()).hasMessageContaining("--queue-name");
    }
}
