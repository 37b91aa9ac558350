package io.ferrymq.aws.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.ferrymq.aws.firehose.FirehoseTestBroker.content;
import static io.ferrymq.aws.firehose.FirehoseTestBroker.objects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Debian's awscli (2.9; Firehose over AWS JSON 1.1) driven as a user would: a separate process with credentials in
 * its environment and {@code --endpoint-url}. bin/run-tests installs it.
 */
class FirehoseCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CLI = Path.of("/usr/bin/aws");

    @TempDir
    Path buckets;
    @TempDir
    Path home;

    private FirehoseTestBroker broker;

    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out + " / " + err, e);
            }
        }
    }

    @BeforeEach
    void start() {
        assertThat(CLI).as("awscli (Debian package awscli; bin/run-tests installs it)").isExecutable();
        broker = FirehoseTestBroker.start(buckets);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private Run aws(String... args) {
        List<String> cmd = new ArrayList<>(List.of(CLI.toString(), "--endpoint-url", broker.endpoint().toString(),
                "--output", "json", "--cli-binary-format", "raw-in-base64-out"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("AWS_ACCESS_KEY_ID", "AKIDCLI");
        env.put("AWS_SECRET_ACCESS_KEY", "cli-secret");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_PAGER", "");
        env.put("AWS_MAX_ATTEMPTS", "1");
        env.put("AWS_CONFIG_FILE", home.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
        env.put("HOME", home.toString());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("aws " + String.join(" ", args) + " finished").isTrue();
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Run ok(String... args) {
        Run r = aws(args);
        assertThat(r.exit()).as("aws " + String.join(" ", args) + ": " + r.err()).isZero();
        return r;
    }

    @Test
    void createPutAndFindTheGzippedObjectsThroughTheCli() {
        JsonNode created = ok("firehose", "create-delivery-stream", "--delivery-stream-name", "cli-hose",
                "--extended-s3-destination-configuration", "{\"BucketARN\":\"arn:aws:s3:::cli-bucket\","
                        + "\"RoleARN\":\"arn:aws:iam::000000000000:role/r\",\"Prefix\":\"cli/\","
                        + "\"CompressionFormat\":\"GZIP\",\"BufferingHints\":{\"SizeInMBs\":1,\"IntervalInSeconds\":60}}")
                .json();
        assertThat(created.path("DeliveryStreamARN").asText())
                .isEqualTo("arn:aws:firehose:us-east-1:000000000000:deliverystream/cli-hose");
        await().atMost(Duration.ofSeconds(60)).until(() -> ok("firehose", "describe-delivery-stream",
                "--delivery-stream-name", "cli-hose").json().path("DeliveryStreamDescription")
                .path("DeliveryStreamStatus").asText().equals("ACTIVE"));
        assertThat(ok("firehose", "list-delivery-streams").json().path("DeliveryStreamNames").toString())
                .contains("cli-hose");

        JsonNode batch = ok("firehose", "put-record-batch", "--delivery-stream-name", "cli-hose", "--records",
                "[{\"Data\":\"alpha\\n\"},{\"Data\":\"beta\\n\"},{\"Data\":\"gamma\\n\"}]").json();
        assertThat(batch.path("FailedPutCount").asInt()).isZero();
        broker.advance(Duration.ofSeconds(60));
        Path bucket = buckets.resolve("cli-bucket");
        await().atMost(Duration.ofSeconds(30)).until(() -> objects(bucket).size() == 1);
        String first = objects(bucket).get(0);
        assertThat(first).startsWith("cli/2026/03/04/05/cli-hose-1-2026-03-04-05-06-").endsWith(".gz");
        assertThat(new String(content(bucket.resolve(first)), StandardCharsets.UTF_8)).isEqualTo("alpha\nbeta\ngamma\n");

        assertThat(ok("firehose", "put-record", "--delivery-stream-name", "cli-hose", "--record", "{\"Data\":\"delta\"}")
                .json().path("RecordId").asText()).isNotBlank();
        broker.advance(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> objects(bucket).size() == 2);
        String second = objects(bucket).stream().filter(k -> !k.equals(first)).findFirst().orElseThrow();
        assertThat(new String(content(bucket.resolve(second)), StandardCharsets.UTF_8)).isEqualTo("delta");

        Run missing = aws("firehose", "put-record", "--delivery-stream-name", "no-such-hose", "--record", "{\"Data\":\"x\"}");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("ResourceNotFoundException").contains("no-such-hose");

        ok("firehose", "delete-delivery-stream", "--delivery-stream-name", "cli-hose");
        await().atMost(Duration.ofSeconds(30)).until(() -> aws("firehose", "describe-delivery-stream",
                "--delivery-stream-name", "cli-hose").err().contains("ResourceNotFoundException"));
    }
}
