package io.ferrymq.aws.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferrymq.aws.AwsTestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's awscli (2.9; Kinesis over AWS JSON 1.1) driven as a user would: a separate process with credentials
 * in its environment and {@code --endpoint-url}. bin/run-tests installs it.
 */
class KinesisCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CLI = Path.of("/usr/bin/aws");

    private static AwsTestBroker broker;
    private static Path home;

    /** One run of the CLI. */
    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out + " / " + err, e);
            }
        }
    }

    @BeforeAll
    static void start() throws IOException {
        assertThat(CLI).as("awscli (Debian package awscli; bin/run-tests installs it)").isExecutable();
        broker = AwsTestBroker.start(KinesisTestSettings.UNTHROTTLED);
        home = Files.createTempDirectory("awscli-home");
    }

    @AfterAll
    static void stop() throws IOException {
        broker.close();
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Run aws(String... args) {
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

    private static Run ok(String... args) {
        Run r = aws(args);
        assertThat(r.exit()).as("aws " + String.join(" ", args) + ": " + r.err()).isZero();
        return r;
    }

    @Test
    void createPutAndReadAStreamThroughTheCli() {
        String name = AwsTestBroker.unique("cli-stream");
        ok("kinesis", "create-stream", "--stream-name", name, "--shard-count", "2");
        // The waiter polls DescribeStream until the stream is ACTIVE.
        ok("kinesis", "wait", "stream-exists", "--stream-name", name);

        JsonNode put = ok("kinesis", "put-record", "--stream-name", name, "--partition-key", "truck-7",
                "--explicit-hash-key", "0", "--data", "from the cli").json();
        assertThat(put.path("ShardId").asText()).isEqualTo("shardId-000000000000");
        ok("kinesis", "put-records", "--stream-name", name, "--records",
                "Data=second,PartitionKey=truck-7,ExplicitHashKey=1");

        String iterator = ok("kinesis", "get-shard-iterator", "--stream-name", name, "--shard-id",
                "shardId-000000000000", "--shard-iterator-type", "TRIM_HORIZON").json().path("ShardIterator").asText();
        JsonNode got = ok("kinesis", "get-records", "--shard-iterator", iterator).json();
        List<String> data = new ArrayList<>();
        got.path("Records").forEach(r -> data.add(new String(Base64.getDecoder().decode(r.path("Data").asText()),
                StandardCharsets.UTF_8)));
        assertThat(data).containsExactly("from the cli", "second");
        assertThat(got.path("Records").get(0).path("SequenceNumber").asText()).isEqualTo(put.path("SequenceNumber").asText());
        assertThat(got.path("Records").get(0).path("ApproximateArrivalTimestamp").isMissingNode()).isFalse();
        assertThat(got.path("NextShardIterator").asText()).isNotBlank();
    }

    @Test
    void theCliShowsKinesisErrorNames() {
        Run missing = aws("kinesis", "describe-stream", "--stream-name", "no-such-cli-stream");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("ResourceNotFoundException")
                .contains("Stream no-such-cli-stream under account 000000000000 not found.");
        Run badIterator = aws("kinesis", "get-records", "--shard-iterator", "garbage");
        assertThat(badIterator.exit()).isNotZero();
        assertThat(badIterator.err()).contains("InvalidArgumentException");
    }
}
