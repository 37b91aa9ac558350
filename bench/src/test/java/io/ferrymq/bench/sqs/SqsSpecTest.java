package io.ferrymq.bench.sqs;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SqsSpecTest {

    private static SqsSpec spec(int producers, int consumers, int size, boolean fifo) {
        SqsSpec d = SqsSpec.defaults();
        return new SqsSpec(producers, consumers, d.batchSize(), size, fifo, d.fifoGroups(), d.queueName(),
                d.maxMessages(), d.waitTimeSeconds(), d.warmup(), Duration.ofSeconds(20), d.drainTimeout());
    }

    @Test
    void theLabelIsTheKeyOfTheRatioLine() {
        assertThat(SqsSpec.defaults().label()).isEqualTo("sqs batch 10 clients");
        assertThat(spec(10, 10, 1024, true).label()).isEqualTo("sqs fifo batch 10 clients");
        assertThat(spec(4, 2, 256, false).label()).isEqualTo("sqs batch 4x2 clients 256 B");
    }

    @Test
    void theScenarioNameIsFileNameFriendlyAndDistinguishesLoads() {
        assertThat(SqsSpec.defaults().scenarioName()).isEqualTo("sqs-batch-10-10x10-1024b");
        assertThat(spec(10, 10, 1024, true).scenarioName()).isEqualTo("sqs-fifo-batch-10-10x10-1024b");
        assertThat(spec(10, 10, 1024, true).scenarioName()).matches("[a-z0-9-]+");
    }

    @Test
    void queueNamesGetTheRunIdAndTheFifoSuffix() {
        assertThat(SqsSpec.defaults().queueName("1f2e")).isEqualTo("ferrymq-bench-1f2e");
        assertThat(spec(1, 1, 1, true).queueName("1f2e")).isEqualTo("ferrymq-bench-1f2e.fifo");
    }
}
