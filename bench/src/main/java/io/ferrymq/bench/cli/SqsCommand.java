package io.ferrymq.bench.cli;

import io.ferrymq.bench.stats.ProcessCpu;
import io.ferrymq.bench.sqs.SqsBench;
import io.ferrymq.bench.sqs.SqsClients;
import io.ferrymq.bench.sqs.SqsReport;
import io.ferrymq.bench.sqs.SqsResult;
import io.ferrymq.bench.sqs.SqsSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code ferrymq-bench sqs}: SendMessageBatch / ReceiveMessage / DeleteMessageBatch through the AWS SDK v2. */
@Command(name = "sqs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs an SQS load through the AWS SDK for Java v2 against any SQS endpoint (FerryMQ, ElasticMQ, "
                + "AWS): N producer clients each looping SendMessageBatch, N consumer clients each looping "
                + "ReceiveMessage + DeleteMessageBatch, on one queue created for the run (and deleted after it).",
                "Reports sent, received and deleted msg/s, request latency per action, end-to-end latency, and lost "
                        + "and duplicated messages."})
final class SqsCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Mixin
    OutputOptions output;

    @Option(names = "--endpoint-url", description = "The SQS endpoint (default: http://HOST:PORT).")
    URI endpointUrl;

    @Option(names = {"-H", "--host"}, defaultValue = "127.0.0.1", description = "Endpoint host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-P", "--port"}, defaultValue = "9324", description = "Endpoint port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--region", defaultValue = "us-east-1", description = "Region to sign for (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--access-key", defaultValue = "AKIDFERRYBENCH", description = "Access key id (default: ${DEFAULT-VALUE}).")
    String accessKey;

    @Option(names = "--secret-key", defaultValue = "ferrymq-bench", description = "Secret key (default: ${DEFAULT-VALUE}).")
    String secretKey;

    @Option(names = {"-n", "--clients"}, description = "Producer clients and consumer clients, each (default 10).")
    Integer clients;

    @Option(names = {"-p", "--producers"}, description = "Producer clients (default: --clients).")
    Integer producers;

    @Option(names = {"-c", "--consumers"}, description = "Consumer clients; 0 for none (default: --clients).")
    Integer consumers;

    @Option(names = {"-b", "--batch"}, description = "Messages per SendMessageBatch, 1 to 10 (default 10).")
    Integer batch;

    @Option(names = {"-s", "--size"}, description = "Message body characters (default 1024; at least the 45-character stamp is sent).")
    Integer size;

    @Option(names = "--fifo", description = "Use a FIFO queue (default: standard).")
    boolean fifo;

    @Option(names = "--fifo-groups", description = "FIFO: message groups per producer (default 100).")
    Integer fifoGroups;

    @Option(names = "--queue-name", description = "Base queue name; a run id is appended (default ferrymq-bench).")
    String queueName;

    @Option(names = "--max-messages", description = "ReceiveMessage MaxNumberOfMessages, 1 to 10 (default 10).")
    Integer maxMessages;

    @Option(names = "--wait-time", description = "ReceiveMessage WaitTimeSeconds, 0 to 20 (default 1).")
    Integer waitTime;

    @Option(names = "--warmup", converter = DurationConverter.class, description = "Unmeasured warm-up (default 5s).")
    Duration warmup;

    @Option(names = {"-t", "--duration"}, converter = DurationConverter.class, description = "Measured time (default 30s).")
    Duration duration;

    @Option(names = "--drain-timeout", converter = DurationConverter.class,
            description = "Time to wait for messages still queued after the run; it ends as soon as all arrived (default 30s).")
    Duration drainTimeout;

    @Option(names = "--broker-pid", description = "The broker's process id (on this machine): reports its CPU time in "
            + "the window and per message, from /proc/PID/stat.")
    Long brokerPid;

    @Override
    public Integer call() throws Exception {
        SqsSpec spec = spec();
        Long pid = brokerPid;
        SqsResult result = new SqsBench(spec, new SqsClients(endpoint(), accessKey, secretKey, region),
                output.quiet ? null : System.err, 1000, pid == null ? null : () -> ProcessCpu.nanos(pid)).run();
        output.emit(System.out, SqsReport.table(result, output.label),
                SqsReport.json(result, output.label, Instant.now()));
        return 0;
    }

    URI endpoint() {
        return endpointUrl != null ? endpointUrl : URI.create("http://" + host + ":" + port);
    }

    /** The defaults with every given option applied. */
    SqsSpec spec() {
        SqsSpec d = SqsSpec.defaults();
        int both = clients != null ? clients : d.producers();
        try {
            return new SqsSpec(or(producers, both), or(consumers, clients != null ? clients : d.consumers()),
                    or(batch, d.batchSize()), or(size, d.messageSize()), fifo, or(fifoGroups, d.fifoGroups()),
                    or(queueName, d.queueName()), or(maxMessages, d.maxMessages()), or(waitTime, d.waitTimeSeconds()),
                    or(warmup, d.warmup()), or(duration, d.duration()), or(drainTimeout, d.drainTimeout()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
        }
    }

    private static <T> T or(T given, T fallback) {
        return given != null ? given : fallback;
    }
}
