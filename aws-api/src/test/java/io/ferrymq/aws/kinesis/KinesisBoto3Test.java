package io.ferrymq.aws.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.AwsTestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's python3-boto3 against the Kinesis API (AWS JSON 1.1, as botocore speaks it): a script in
 * {@code src/test/resources/python} runs the calls and prints what it saw; this test checks it. bin/run-tests
 * installs python3-boto3; a machine without it fails with instructions.
 */
class KinesisBoto3Test {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AwsTestBroker broker;

    @BeforeAll
    static void start() {
        // With the per-shard write limit on: it is what makes PutRecords fail in part.
        broker = AwsTestBroker.start(AwsApiSettings.defaults().withKinesisThroughputLimits(true));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void boto3CreatesWritesReadsAndSeesKinesisErrors() throws Exception {
        String stream = AwsTestBroker.unique("boto3");
        String expired = ShardIterators.encode(new ShardIterators.Position(stream, 1, 0, 0,
                System.currentTimeMillis() - ShardIterators.LIFETIME_MILLIS - 60_000));
        JsonNode out = run(stream, expired);

        assertThat(out.path("status").asText()).isEqualTo("ACTIVE");
        assertThat(texts(out.path("shards"))).containsExactly("shardId-000000000000", "shardId-000000000001");
        assertThat(out.path("hashRanges").get(0).get(0).asText()).isEqualTo("0");
        assertThat(out.path("hashRanges").get(1).get(1).asText())
                .isEqualTo("340282366920938463463374607431768211455");
        assertThat(texts(out.path("firstPage"))).containsExactly("shardId-000000000000");
        assertThat(texts(out.path("secondPage"))).containsExactly("shardId-000000000001");

        // Partial failure: shard 0 refuses what exceeds 1 MiB in the second; shard 1's record is written.
        JsonNode results = out.path("putResults");
        assertThat(results.get(0).get(0).asText()).isEqualTo("shardId-000000000000");
        assertThat(results.get(0).get(1).isNull()).isTrue();
        assertThat(results.get(3).get(0).isNull()).isTrue();
        assertThat(results.get(3).get(1).asText()).isEqualTo("ProvisionedThroughputExceededException");
        assertThat(results.get(4).get(0).asText()).isEqualTo("shardId-000000000001");
        assertThat(results.get(4).get(1).isNull()).isTrue();
        int failed = 0;
        for (JsonNode r : results) {
            failed += r.get(1).isNull() ? 0 : 1;
        }
        assertThat(out.path("failedRecordCount").asInt()).isEqualTo(failed).isBetween(2, 3);

        assertThat(out.path("putShard").asText()).isEqualTo("shardId-000000000000");
        assertThat(texts(out.path("read"))).containsExactly("boto3-0", "boto3-1", "boto3-2");
        assertThat(texts(out.path("readSequences"))).isEqualTo(texts(out.path("sequences")));
        assertThat(out.path("millisBehindLatest").asLong()).isZero();
        assertThat(out.path("hasNextIterator").asBoolean()).isTrue();
        assertThat(out.path("arrivalIsDatetime").asBoolean()).isTrue();
        assertThat(out.path("latestRead").asInt()).isZero();

        assertThat(texts(out.path("missingStream"))).containsExactly("ResourceNotFoundException",
                "ResourceNotFoundException", "Stream " + stream + "-missing under account 000000000000 not found.");
        assertThat(texts(out.path("missingShard")).subList(0, 2)).containsExactly("ResourceNotFoundException",
                "ResourceNotFoundException");
        assertThat(texts(out.path("badIterator"))).containsExactly("InvalidArgumentException",
                "InvalidArgumentException", "Invalid ShardIterator.");
        assertThat(texts(out.path("badHashKey")).subList(0, 2)).containsExactly("InvalidArgumentException",
                "InvalidArgumentException");
        assertThat(texts(out.path("badSequence")).subList(0, 2)).containsExactly("InvalidArgumentException",
                "InvalidArgumentException");
        assertThat(texts(out.path("expiredIterator")).subList(0, 2)).containsExactly("ExpiredIteratorException",
                "ExpiredIteratorException");
        assertThat(out.path("expiredIterator").get(2).asText()).startsWith("Iterator expired.");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode run(String stream, String expiredIterator)
            throws IOException, InterruptedException, URISyntaxException {
        if (!Files.isExecutable(PYTHON)) {
            throw new AssertionError("/usr/bin/python3 is missing: install Debian's python3 and python3-boto3"
                    + " (bin/run-tests does)");
        }
        Path script = Path.of(KinesisBoto3Test.class.getResource("/python/kinesis_boto3.py").toURI());
        ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), script.toString(), broker.endpoint().toString(),
                stream, expiredIterator);
        // The script's own credentials only: nothing from the machine's AWS configuration.
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().put("AWS_CONFIG_FILE", "/dev/null");
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] stdout = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the boto3 script did not finish within 120 s");
        }
        if (err.contains("No module named 'boto3'")) {
            throw new AssertionError("python3-boto3 is not installed: apt-get install python3-boto3 (bin/run-tests"
                    + " does)");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("the boto3 script failed (exit " + p.exitValue() + "):\n" + err);
        }
        return JSON.readTree(stdout);
    }
}
