package io.ferrymq.bench.sqs;

import io.ferrymq.aws.AwsApiProtocol;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.bench.stats.ProcessCpu;
import io.ferrymq.transport.testing.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A short real load through the AWS SDK against FerryMQ's SQS endpoint: every accepted message arrives once. */
class SqsBenchTest {

    private EmbeddedBroker broker;

    @BeforeEach
    void start() {
        broker = EmbeddedBroker.builder().protocol(b -> new AwsApiProtocol(b, AwsApiSettings.defaults()))
                .tcp("http", "aws").start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @ParameterizedTest(name = "fifo={0}")
    @ValueSource(booleans = {false, true})
    void aShortRunDeliversAndDeletesEveryMessageExactlyOnce(boolean fifo) throws Exception {
        SqsSpec spec = new SqsSpec(2, 2, 10, 200, fifo, 4, "bench-test", 10, 1, Duration.ofMillis(500), Duration.ofMillis(500),
                Duration.ofSeconds(10));
        SqsClients clients = new SqsClients(URI.create("http://127.0.0.1:" + broker.port("http")), "AKIDTEST", "secret",
                "us-east-1");
        SqsResult r = new SqsBench(spec, clients, null, 100,
                () -> ProcessCpu.nanos(ProcessHandle.current().pid())).run(); // the broker runs in this JVM

        assertThat(r.errors()).isEmpty();
        // the machine may be busy with other builds: the whole run's counts, not the short window's rates
        assertThat(r.total().sent()).isPositive();
        assertThat(r.total().sentPerRequest()).isEqualTo(10.0);
        assertThat(r.total().requestErrors()).isZero();
        assertThat(r.measuredSeconds()).isGreaterThanOrEqualTo(0.5);
        assertThat(r.integrity().expected()).isEqualTo(r.total().sent());
        assertThat(r.integrity().lost()).isZero();
        assertThat(r.integrity().duplicated()).isZero();
        assertThat(r.integrity().unexpected()).isZero();
        assertThat(r.leftInQueue()).isZero();
        assertThat(r.brokerCpuSeconds()).isPositive();
        assertThat(r.total().deleted()).isEqualTo(r.total().received());
        assertThat(r.queueUrl()).endsWith(fifo ? ".fifo" : r.runId());
        try (SqsClient c = clients.get()) {
            assertThat(c.listQueues().queueUrls()).doesNotContain(r.queueUrl()); // the run deleted its queue
        }
    }
}
