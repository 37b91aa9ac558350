package io.ferrymq.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's awscli (2.9, which speaks the Query protocol to SQS and SNS) driven as a user would: a
 * separate process with credentials in its environment and {@code --endpoint-url}. bin/run-tests
 * installs it.
 */
class AwsCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CLI = Path.of("/usr/bin/aws");

    static AwsTestBroker broker;
    static Path home;

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
        broker = AwsTestBroker.start();
        home = Files.createTempDirectory("awscli-home");
    }

    @AfterAll
    static void stop() throws IOException {
        broker.close();
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static Run aws(String... args) {
        List<String> cmd = new ArrayList<>(List.of(CLI.toString(), "--endpoint-url", broker.endpoint().toString(),
                "--output", "json"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("AWS_ACCESS_KEY_ID", "AKIDCLI");
        env.put("AWS_SECRET_ACCESS_KEY", "cli-secret");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_PAGER", "");
        env.put("AWS_CONFIG_FILE", home.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
        env.put("HOME", home.toString());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            var out = p.getInputStream().readAllBytes();
            var err = p.getErrorStream().readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("aws " + String.join(" ", args) + " finished").isTrue();
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Run ok(String... args) {
        Run r = aws(args);
        assertThat(r.exit()).as("aws " + String.join(" ", args) + ": " + r.err()).isZero();
        return r;
    }

    @Test
    void sqsCreateSendReceiveDeleteThroughTheCli() {
        String name = AwsTestBroker.unique("cli");
        String url = ok("sqs", "create-queue", "--queue-name", name, "--attributes", "VisibilityTimeout=45")
                .json().path("QueueUrl").asText();
        assertThat(url).isEqualTo(broker.endpoint() + "/000000000000/" + name);
        assertThat(ok("sqs", "get-queue-url", "--queue-name", name).json().path("QueueUrl").asText()).isEqualTo(url);
        assertThat(ok("sqs", "list-queues", "--queue-name-prefix", name).json().path("QueueUrls").get(0).asText())
                .isEqualTo(url);

        JsonNode sent = ok("sqs", "send-message", "--queue-url", url, "--message-body", "from the cli",
                "--message-attributes", "{\"k\":{\"DataType\":\"String\",\"StringValue\":\"v\"}}").json();
        assertThat(sent.path("MD5OfMessageBody").asText()).isEqualTo(md5("from the cli"));
        assertThat(sent.path("MD5OfMessageAttributes").asText()).hasSize(32);

        JsonNode got = ok("sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "10",
                "--message-attribute-names", "All", "--attribute-names", "All").json();
        JsonNode m = got.path("Messages").get(0);
        assertThat(m.path("Body").asText()).isEqualTo("from the cli");
        assertThat(m.path("MessageAttributes").path("k").path("StringValue").asText()).isEqualTo("v");
        assertThat(m.path("Attributes").path("ApproximateReceiveCount").asText()).isEqualTo("1");

        ok("sqs", "delete-message", "--queue-url", url, "--receipt-handle", m.path("ReceiptHandle").asText());
        JsonNode attrs = ok("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All").json();
        assertThat(attrs.path("Attributes").path("VisibilityTimeout").asText()).isEqualTo("45");
        assertThat(attrs.path("Attributes").path("ApproximateNumberOfMessagesNotVisible").asText()).isEqualTo("0");

        ok("sqs", "delete-queue", "--queue-url", url);
        Run missing = aws("sqs", "get-queue-url", "--queue-name", name);
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("AWS.SimpleQueueService.NonExistentQueue");
    }

    @Test
    void sqsBatchesAndTagsThroughTheCli() {
        String url = ok("sqs", "create-queue", "--queue-name", AwsTestBroker.unique("cli")).json()
                .path("QueueUrl").asText();

        JsonNode batch = ok("sqs", "send-message-batch", "--queue-url", url, "--entries",
                "[{\"Id\":\"a\",\"MessageBody\":\"one\"},{\"Id\":\"b\",\"MessageBody\":\"two\"}]").json();
        assertThat(batch.path("Successful")).hasSize(2);

        ok("sqs", "tag-queue", "--queue-url", url, "--tags", "team=blue");
        assertThat(ok("sqs", "list-queue-tags", "--queue-url", url).json().path("Tags").path("team").asText())
                .isEqualTo("blue");

        Run bad = aws("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "11");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("InvalidParameterValue");
        ok("sqs", "purge-queue", "--queue-url", url);
    }

    @Test
    void fifoQueueThroughTheCli() {
        String url = ok("sqs", "create-queue", "--queue-name", AwsTestBroker.unique("cli") + ".fifo", "--attributes",
                "FifoQueue=true,ContentBasedDeduplication=true").json().path("QueueUrl").asText();

        JsonNode first = ok("sqs", "send-message", "--queue-url", url, "--message-body", "x",
                "--message-group-id", "g").json();
        JsonNode dup = ok("sqs", "send-message", "--queue-url", url, "--message-body", "x",
                "--message-group-id", "g").json();
        assertThat(first.path("SequenceNumber").asText()).isNotBlank();
        assertThat(dup.path("MessageId").asText()).isEqualTo(first.path("MessageId").asText());
    }

    @Test
    void snsTopicSubscriptionAndPublishThroughTheCli() {
        String topic = ok("sns", "create-topic", "--name", AwsTestBroker.unique("cli")).json()
                .path("TopicArn").asText();
        String url = ok("sqs", "create-queue", "--queue-name", AwsTestBroker.unique("cli")).json()
                .path("QueueUrl").asText();
        String queueArn = ok("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "QueueArn")
                .json().path("Attributes").path("QueueArn").asText();
        String sub = ok("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs", "--notification-endpoint",
                queueArn, "--attributes", "RawMessageDelivery=true").json().path("SubscriptionArn").asText();
        assertThat(sub).startsWith(topic + ":");
        assertThat(ok("sns", "list-subscriptions-by-topic", "--topic-arn", topic).json().path("Subscriptions"))
                .hasSize(1);

        String id = ok("sns", "publish", "--topic-arn", topic, "--message", "fan out from the cli").json()
                .path("MessageId").asText();
        assertThat(id).isNotBlank();

        JsonNode got = ok("sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "10").json();
        assertThat(got.path("Messages").get(0).path("Body").asText()).isEqualTo("fan out from the cli");

        ok("sns", "unsubscribe", "--subscription-arn", sub);
        ok("sns", "delete-topic", "--topic-arn", topic);
        Run gone = aws("sns", "get-topic-attributes", "--topic-arn", topic);
        assertThat(gone.exit()).isNotZero();
        assertThat(gone.err()).contains("NotFound");
    }

    private static String md5(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
