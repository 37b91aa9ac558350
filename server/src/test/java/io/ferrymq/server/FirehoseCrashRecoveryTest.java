package io.ferrymq.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker, a separate process, is killed with SIGKILL while a Firehose delivery stream buffers records it
 * accepted. After a restart on the same data directory every record whose PutRecordBatch was answered is
 * delivered to the bucket's directory.
 */
class FirehoseCrashRecoveryTest {

    private static FirehoseClient client(int port) {
        return FirehoseClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDKILL", "x")))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    private static String config(Path data, Path buckets) {
        return """
                security:
                  password-iterations: 1000
                listeners:
                  - name: aws
                    protocols: [aws]
                    host: 127.0.0.1
                    port: 0
                storage:
                  data-dir: %s
                  segment-size: 4MiB
                aws:
                  firehose-buckets:
                    "*": %s
                """.formatted(data, buckets);
    }

    private static List<String> delivered(Path bucket) {
        if (!Files.isDirectory(bucket)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(bucket)) {
            List<String> out = new ArrayList<>();
            for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .toList()) {
                for (String line : Files.readString(p, StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isEmpty()) {
                        out.add(line);
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void recordsAcceptedBeforeKillMinusNineAreDeliveredAfterTheRestart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path buckets = dir.resolve("buckets");
        Set<String> accepted = new HashSet<>();
        try (BrokerProcess broker = BrokerProcess.startWithConfig(dir, config(data, buckets), Set.of("aws"));
             FirehoseClient firehose = client(broker.port("aws"))) {
            firehose.createDeliveryStream(b -> b.deliveryStreamName("crash")
                    .extendedS3DestinationConfiguration(s -> s.bucketARN("arn:aws:s3:::out").roleARN("arn:aws:iam::0:role/r")
                            .bufferingHints(h -> h.sizeInMBs(128).intervalInSeconds(900))));
            await().atMost(Duration.ofSeconds(60)).until(() -> firehose.describeDeliveryStream(b -> b.deliveryStreamName("crash"))
                    .deliveryStreamDescription().deliveryStreamStatus() == DeliveryStreamStatus.ACTIVE);
            for (int batch = 0; batch < 20; batch++) {
                List<Record> records = new ArrayList<>();
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    String line = "batch-" + batch + "-record-" + i;
                    lines.add(line);
                    records.add(Record.builder().data(SdkBytes.fromUtf8String(line + "\n")).build());
                }
                PutRecordBatchResponse r = firehose.putRecordBatch(b -> b.deliveryStreamName("crash").records(records));
                assertThat(r.failedPutCount()).isZero();
                accepted.addAll(lines);
            }
            assertThat(delivered(buckets.resolve("out"))).isEmpty();
            broker.kill();
        }
        assertThat(delivered(buckets.resolve("out"))).isEmpty();

        try (BrokerProcess broker = BrokerProcess.startWithConfig(dir, config(data, buckets), Set.of("aws"));
             FirehoseClient firehose = client(broker.port("aws"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> firehose.describeDeliveryStream(b -> b.deliveryStreamName("crash"))
                    .deliveryStreamDescription().deliveryStreamStatus() == DeliveryStreamStatus.ACTIVE);
            // A shorter interval, so that the test need not wait 15 minutes for the records the crash left.
            firehose.updateDestination(b -> b.deliveryStreamName("crash").currentDeliveryStreamVersionId("1")
                    .destinationId("destinationId-000000000001")
                    .extendedS3DestinationUpdate(u -> u.bufferingHints(h -> h.sizeInMBs(128).intervalInSeconds(0))));
            await().atMost(Duration.ofSeconds(60)).until(() -> delivered(buckets.resolve("out")).size() >= accepted.size());
            List<String> got = delivered(buckets.resolve("out"));
            assertThat(new HashSet<>(got)).isEqualTo(accepted);
            assertThat(got).hasSize(accepted.size());
        }
    }
}
