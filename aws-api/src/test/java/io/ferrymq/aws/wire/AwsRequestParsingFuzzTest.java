package io.ferrymq.aws.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferrymq.aws.auth.SigV4;
import io.ferrymq.core.testing.DecoderProbe;
import io.ferrymq.core.testing.FuzzInputs;
import io.netty.handler.codec.http.QueryStringDecoder;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damaged and random SQS/SNS requests through FerryMQ's request parsing: form decoding as the HTTP handler
 * does it, {@link QueryInput} (Query protocol to the JSON tree), {@link Inputs} (every parameter reader),
 * the JSON 1.0 body, and {@link SigV4} (the {@code Authorization} header, pre-signed query parameters and
 * the canonical request). Each either yields a value or an {@link AwsError} (a 4xx the client can read),
 * never another exception, never a hang. The HTTP listener itself is fuzzed over sockets by the tests
 * module's {@code ListenerSocketFuzzTest}.
 */
class AwsRequestParsingFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    // One probe per property: each warms up on its own classes (SigV4's first use loads the JCE providers).
    private static final DecoderProbe QUERY = new DecoderProbe(Duration.ofSeconds(10));
    private static final DecoderProbe BODY = new DecoderProbe(Duration.ofSeconds(10));
    private static final DecoderProbe SIGNATURE = new DecoderProbe(Duration.ofSeconds(10));
    private static final List<String> NAMES = List.of("QueueName", "QueueUrl", "MessageBody", "DelaySeconds",
            "MaxNumberOfMessages", "VisibilityTimeout", "WaitTimeSeconds", "Attributes", "MessageAttributes",
            "AttributeNames", "MessageAttributeNames", "Entries", "Tags", "TagKeys", "Label", "AWSAccountIds",
            "Actions", "ReceiptHandle", "MessageSystemAttributes", "TopicArn", "Message", "Subject");

    private static final List<byte[]> QUERY_SEEDS = List.of(
            ascii("Action=SendMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2Flocalhost%3A9324%2F000000000000%2Fq1"
                    + "&MessageBody=hello%20world&DelaySeconds=5&MessageAttribute.1.Name=color"
                    + "&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=red"),
            ascii("Action=CreateQueue&QueueName=q1&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40"
                    + "&Attribute.2.Name=RedrivePolicy&Attribute.2.Value=%7B%22maxReceiveCount%22%3A%223%22%7D"
                    + "&Tag.1.Key=team&Tag.1.Value=a"),
            ascii("Action=SendMessageBatch&QueueUrl=q&SendMessageBatchRequestEntry.1.Id=a"
                    + "&SendMessageBatchRequestEntry.1.MessageBody=x&SendMessageBatchRequestEntry.2.Id=b"
                    + "&SendMessageBatchRequestEntry.2.MessageBody=y&SendMessageBatchRequestEntry.2.DelaySeconds=1"),
            ascii("Action=ReceiveMessage&QueueUrl=q&AttributeName.1=All&MessageAttributeName.1=All"
                    + "&MaxNumberOfMessages=10&WaitTimeSeconds=20"),
            ascii("Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At&Message=m"
                    + "&MessageAttributes.entry.1.Name=k&MessageAttributes.entry.1.Value.DataType=Number"
                    + "&MessageAttributes.entry.1.Value.StringValue=1"));

    private static final List<byte[]> JSON_SEEDS = List.of(
            ascii("{\"QueueUrl\":\"http://localhost:9324/000000000000/q1\",\"MessageBody\":\"hi\",\"DelaySeconds\":3,"
                    + "\"MessageAttributes\":{\"a\":{\"DataType\":\"String\",\"StringValue\":\"v\"}}}"),
            ascii("{\"QueueName\":\"q1\",\"Attributes\":{\"VisibilityTimeout\":\"40\"},\"tags\":{\"k\":\"v\"}}"),
            ascii("{\"QueueUrl\":\"q\",\"Entries\":[{\"Id\":\"a\",\"MessageBody\":\"x\"},{\"Id\":\"b\",\"ReceiptHandle\":\"r\"}],"
                    + "\"MaxNumberOfMessages\":10,\"AttributeNames\":[\"All\"]}"));

    private static final List<byte[]> AUTH_SEEDS = List.of(
            ascii("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261207/us-east-1/sqs/aws4_request, "
                    + "SignedHeaders=content-type;host;x-amz-date, "
                    + "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"),
            ascii("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261207%2Fus-east-1%2Fsqs%2Faws4_request"
                    + "&X-Amz-Date=20261207T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
                    + "&X-Amz-Signature=abcdef&Action=ListQueues"));

    @AfterContainer
    static void stopProbe() {
        QUERY.close();
        BODY.close();
        SIGNATURE.close();
    }

    @Provide
    Arbitrary<byte[]> queryBodies() {
        return FuzzInputs.anyInput(QUERY_SEEDS, 512);
    }

    @Provide
    Arbitrary<byte[]> jsonBodies() {
        return FuzzInputs.anyInput(JSON_SEEDS, 512);
    }

    @Provide
    Arbitrary<byte[]> signatures() {
        return FuzzInputs.anyInput(AUTH_SEEDS, 256);
    }

    @Property
    void queryFormsBecomeJsonOrAnAwsError(@ForAll("queryBodies") byte[] body) {
        String shown = HexFormat.of().formatHex(body);
        QUERY.run(shown, DecoderProbe.proportionalTo(body.length), () -> {
            Map<String, String> form = new LinkedHashMap<>();
            try {
                // As AwsHttpHandler decodes a form body.
                QueryStringDecoder d = new QueryStringDecoder(new String(body, StandardCharsets.UTF_8),
                        StandardCharsets.UTF_8, false, 100_000);
                d.parameters().forEach((k, v) -> {
                    if (!v.isEmpty()) {
                        form.put(k, v.get(0));
                    }
                });
            } catch (IllegalArgumentException e) {
                // Netty's answer to malformed percent-encoding: the handler must turn it into a 400
                return;
            }
            JsonNode tree;
            try {
                tree = QueryInput.toJson(form, QueryInput.SQS);
            } catch (AwsError e) {
                assertThat(e.status()).as("status on %s", shown).isBetween(400, 499);
                return;
            }
            readEveryParameter(tree, shown);
        });
    }

    @Property
    void jsonBodiesAreReadOrRefusedWithAnAwsError(@ForAll("jsonBodies") byte[] body) {
        String shown = HexFormat.of().formatHex(body);
        BODY.run(shown, DecoderProbe.proportionalTo(body.length), () -> {
            JsonNode tree;
            try {
                tree = JSON.readTree(body);
            } catch (IOException e) {
                // The handler answers SerializationException to any IOException: Jackson's own, and the
                // CharConversionException its encoding detection throws for bytes that look like bad UTF-32.
                return;
            }
            if (tree == null || !tree.isObject()) {
                return;
            }
            readEveryParameter(tree, shown);
        });
    }

    @Property
    void signaturesParseOrGiveAnAwsError(@ForAll("signatures") byte[] auth, @ForAll boolean asQuery) {
        String text = new String(auth, StandardCharsets.ISO_8859_1);
        String shown = HexFormat.of().formatHex(auth);
        SIGNATURE.run(shown, DecoderProbe.proportionalTo(auth.length), () -> {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put("host", List.of("127.0.0.1:9324"));
            headers.put("x-amz-date", List.of("20261207T000000Z"));
            headers.put("content-type", List.of("application/x-www-form-urlencoded"));
            if (!asQuery) {
                headers.put("authorization", List.of(text));
            }
            Map<String, String> form = new LinkedHashMap<>();
            String rawQuery = asQuery ? text : "Action=ListQueues";
            try {
                new QueryStringDecoder(rawQuery, StandardCharsets.UTF_8, false, 100_000).parameters()
                        .forEach((k, v) -> form.put(k, v.isEmpty() ? "" : v.get(0)));
            } catch (IllegalArgumentException e) {
                return;
            }
            AwsRequest r = new AwsRequest("POST", "/", rawQuery, headers, new byte[0], form,
                    new InetSocketAddress("127.0.0.1", 1), true);
            try {
                SigV4.Signature s = SigV4.parse(r);
                if (s != null) {
                    assertThat(SigV4.expectedSignature(r, s, "secret")).as("signature on %s", shown).isNotNull();
                }
            } catch (AwsError e) {
                assertThat(e.status()).as("status on %s", shown).isBetween(400, 499);
            }
        });
    }

    private static void readEveryParameter(JsonNode tree, String shown) {
        for (String name : NAMES) {
            try {
                Inputs.string(tree, name);
                Inputs.integer(tree, name);
                Inputs.bool(tree, name, false);
                Inputs.strings(tree, name);
                Inputs.stringMap(tree, name);
                Inputs.objects(tree, name);
            } catch (AwsError e) {
                assertThat(e.status()).as("status for %s on %s", name, shown).isBetween(400, 499);
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
