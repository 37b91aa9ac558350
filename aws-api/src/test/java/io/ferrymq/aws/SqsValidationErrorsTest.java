package io.ferrymq.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every validation error, in both wire protocols: the JSON 1.0 protocol answers {@code __type} and the
 * {@code x-amzn-query-error} header, the Query protocol an XML error; both with AWS's code and status.
 */
class SqsValidationErrorsTest {

    static AwsTestBroker broker;
    static String url;
    static String fifo;
    static String small;

    /** One bad request, written in both protocols ({@code %URL%}, {@code %FIFO%}, {@code %SMALL%} are queue URLs). */
    record Case(String name, String action, String json, Map<String, String> query, String code, String jsonType,
                int status, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() {
        broker = AwsTestBroker.start();
        var sqs = broker.sqs();
        url = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("v"))).queueUrl();
        fifo = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("v") + ".fifo").attributes(Map.of(
                software.amazon.awssdk.services.sqs.model.QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        small = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("v")).attributes(Map.of(
                software.amazon.awssdk.services.sqs.model.QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "1024"))).queueUrl();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Map<String, String> q(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Case c(String name, String action, String json, Map<String, String> query, String code, int status,
                          String message) {
        return new Case(name, action, json, query, code, code, status, message);
    }

    private static Case c(String name, String action, String json, Map<String, String> query, String code,
                          String jsonType, int status, String message) {
        return new Case(name, action, json, query, code, jsonType, status, message);
    }

    static Stream<Case> cases() {
        String big = "x".repeat(2000);
        String huge = "y".repeat(120_000);
        List<Case> cases = new ArrayList<>(List.of(
                c("unknown queue", "GetQueueUrl", "{\"QueueName\":\"no-such-queue\"}", q("QueueName", "no-such-queue"),
                        "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", 400, "The specified queue does not exist"),
                c("malformed queue url", "SendMessage", "{\"QueueUrl\":\"nope\",\"MessageBody\":\"x\"}",
                        q("QueueUrl", "nope", "MessageBody", "x"), "InvalidAddress", 404, "is not valid for this endpoint"),
                c("missing queue name", "CreateQueue", "{}", q(), "MissingParameter", 400,
                        "The request must contain the parameter QueueName."),
                c("bad queue name", "CreateQueue", "{\"QueueName\":\"bad name!\"}", q("QueueName", "bad name!"),
                        "InvalidParameterValue", 400, "Can only include alphanumeric characters, hyphens, or underscores"),
                c("fifo queue without .fifo", "CreateQueue", "{\"QueueName\":\"plain\",\"Attributes\":{\"FifoQueue\":\"true\"}}",
                        q("QueueName", "plain", "Attribute.1.Name", "FifoQueue", "Attribute.1.Value", "true"),
                        "InvalidParameterValue", 400, "must end with .fifo suffix"),
                c("visibility timeout out of range", "CreateQueue",
                        "{\"QueueName\":\"vt\",\"Attributes\":{\"VisibilityTimeout\":\"43201\"}}",
                        q("QueueName", "vt", "Attribute.1.Name", "VisibilityTimeout", "Attribute.1.Value", "43201"),
                        "InvalidAttributeValue", 400, "Invalid value for the parameter VisibilityTimeout."),
                c("unknown attribute", "CreateQueue", "{\"QueueName\":\"ua\",\"Attributes\":{\"Colour\":\"blue\"}}",
                        q("QueueName", "ua", "Attribute.1.Name", "Colour", "Attribute.1.Value", "blue"),
                        "InvalidAttributeName", 400, "Unknown Attribute Colour."),
                c("fifo attribute on a standard queue", "CreateQueue",
                        "{\"QueueName\":\"cbd\",\"Attributes\":{\"ContentBasedDeduplication\":\"true\"}}",
                        q("QueueName", "cbd", "Attribute.1.Name", "ContentBasedDeduplication", "Attribute.1.Value", "true"),
                        "InvalidAttributeName", 400, "Unknown Attribute ContentBasedDeduplication."),
                c("read-only attribute", "SetQueueAttributes", "{\"QueueUrl\":\"%URL%\",\"Attributes\":{\"QueueArn\":\"x\"}}",
                        q("QueueUrl", "%URL%", "Attribute.1.Name", "QueueArn", "Attribute.1.Value", "x"),
                        "InvalidAttributeName", 400, "Unknown Attribute QueueArn."),
                c("unknown attribute asked for", "GetQueueAttributes", "{\"QueueUrl\":\"%URL%\",\"AttributeNames\":[\"Size\"]}",
                        q("QueueUrl", "%URL%", "AttributeName.1", "Size"), "InvalidAttributeName", 400, "Unknown Attribute Size."),
                c("empty body", "SendMessage", "{\"QueueUrl\":\"%URL%\",\"MessageBody\":\"\"}",
                        q("QueueUrl", "%URL%", "MessageBody", ""), "MissingParameter", 400,
                        "The request must contain the parameter MessageBody."),
                c("invalid character", "SendMessage", "{\"QueueUrl\":\"%URL%\",\"MessageBody\":\"a\\u0001b\"}",
                        q("QueueUrl", "%URL%", "MessageBody", "a\u0001b"), "InvalidMessageContents", 400,
                        "Invalid binary character '#x1' was found in the message body"),
                c("message too large", "SendMessage", "{\"QueueUrl\":\"%SMALL%\",\"MessageBody\":\"" + big + "\"}",
                        q("QueueUrl", "%SMALL%", "MessageBody", big), "InvalidParameterValue", 400,
                        "Message must be shorter than 1024 bytes."),
                c("delay out of range", "SendMessage", "{\"QueueUrl\":\"%URL%\",\"MessageBody\":\"x\",\"DelaySeconds\":901}",
                        q("QueueUrl", "%URL%", "MessageBody", "x", "DelaySeconds", "901"), "InvalidParameterValue", 400,
                        "Value 901 for parameter DelaySeconds is invalid."),
                c("bad attribute type", "SendMessage",
                        "{\"QueueUrl\":\"%URL%\",\"MessageBody\":\"x\",\"MessageAttributes\":{\"a\":{\"DataType\":\"Date\",\"StringValue\":\"1\"}}}",
                        q("QueueUrl", "%URL%", "MessageBody", "x", "MessageAttribute.1.Name", "a",
                                "MessageAttribute.1.Value.DataType", "Date", "MessageAttribute.1.Value.StringValue", "1"),
                        "InvalidParameterValue", 400, "supported type prefixes: Binary, Number, String"),
                c("number attribute that is not a number", "SendMessage",
                        "{\"QueueUrl\":\"%URL%\",\"MessageBody\":\"x\",\"MessageAttributes\":{\"n\":{\"DataType\":\"Number\",\"StringValue\":\"abc\"}}}",
                        q("QueueUrl", "%URL%", "MessageBody", "x", "MessageAttribute.1.Name", "n",
                                "MessageAttribute.1.Value.DataType", "Number", "MessageAttribute.1.Value.StringValue", "abc"),
                        "InvalidParameterValue", 400, "Can't cast the value of message (user) attribute 'n' to a number."),
                c("reserved attribute name", "SendMessage",
                        "{\"QueueUrl\":\"%URL%\",\"MessageBody\":\"x\",\"MessageAttributes\":{\"AWS.x\":{\"DataType\":\"String\",\"StringValue\":\"1\"}}}",
                        q("QueueUrl", "%URL%", "MessageBody", "x", "MessageAttribute.1.Name", "AWS.x",
                                "MessageAttribute.1.Value.DataType", "String", "MessageAttribute.1.Value.StringValue", "1"),
                        "InvalidParameterValue", 400, "beginning with 'AWS.' or 'Amazon.'"),
                c("deduplication id on a standard queue", "SendMessage",
                        "{\"QueueUrl\":\"%URL%\",\"MessageBody\":\"x\",\"MessageDeduplicationId\":\"d\"}",
                        q("QueueUrl", "%URL%", "MessageBody", "x", "MessageDeduplicationId", "d"), "InvalidParameterValue", 400,
                        "The request includes a parameter that is not valid for this queue type."),
                c("fifo send without group", "SendMessage", "{\"QueueUrl\":\"%FIFO%\",\"MessageBody\":\"x\",\"MessageDeduplicationId\":\"d\"}",
                        q("QueueUrl", "%FIFO%", "MessageBody", "x", "MessageDeduplicationId", "d"), "MissingParameter", 400,
                        "The request must contain the parameter MessageGroupId."),
                c("fifo send without deduplication", "SendMessage", "{\"QueueUrl\":\"%FIFO%\",\"MessageBody\":\"x\",\"MessageGroupId\":\"g\"}",
                        q("QueueUrl", "%FIFO%", "MessageBody", "x", "MessageGroupId", "g"), "InvalidParameterValue", 400,
                        "either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"),
                c("per-message delay on a fifo queue", "SendMessage",
                        "{\"QueueUrl\":\"%FIFO%\",\"MessageBody\":\"x\",\"MessageGroupId\":\"g\",\"MessageDeduplicationId\":\"d\",\"DelaySeconds\":5}",
                        q("QueueUrl", "%FIFO%", "MessageBody", "x", "MessageGroupId", "g", "MessageDeduplicationId", "d",
                                "DelaySeconds", "5"), "InvalidParameterValue", 400, "Value 5 for parameter DelaySeconds is invalid."),
                c("too many messages asked for", "ReceiveMessage", "{\"QueueUrl\":\"%URL%\",\"MaxNumberOfMessages\":11}",
                        q("QueueUrl", "%URL%", "MaxNumberOfMessages", "11"), "InvalidParameterValue", 400,
                        "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."),
                c("wait too long", "ReceiveMessage", "{\"QueueUrl\":\"%URL%\",\"WaitTimeSeconds\":21}",
                        q("QueueUrl", "%URL%", "WaitTimeSeconds", "21"), "InvalidParameterValue", 400,
                        "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."),
                c("negative visibility", "ReceiveMessage", "{\"QueueUrl\":\"%URL%\",\"VisibilityTimeout\":-1}",
                        q("QueueUrl", "%URL%", "VisibilityTimeout", "-1"), "InvalidParameterValue", 400,
                        "Value -1 for parameter VisibilityTimeout is invalid."),
                c("forged receipt handle", "DeleteMessage", "{\"QueueUrl\":\"%URL%\",\"ReceiptHandle\":\"forged\"}",
                        q("QueueUrl", "%URL%", "ReceiptHandle", "forged"), "ReceiptHandleIsInvalid", 400,
                        "The input receipt handle \"forged\" is not a valid receipt handle."),
                c("forged receipt handle for visibility", "ChangeMessageVisibility",
                        "{\"QueueUrl\":\"%URL%\",\"ReceiptHandle\":\"forged\",\"VisibilityTimeout\":5}",
                        q("QueueUrl", "%URL%", "ReceiptHandle", "forged", "VisibilityTimeout", "5"), "ReceiptHandleIsInvalid", 400,
                        "is not a valid receipt handle"),
                c("visibility without timeout", "ChangeMessageVisibility", "{\"QueueUrl\":\"%URL%\",\"ReceiptHandle\":\"forged\"}",
                        q("QueueUrl", "%URL%", "ReceiptHandle", "forged"), "MissingParameter", 400,
                        "The request must contain the parameter VisibilityTimeout."),
                c("empty batch", "SendMessageBatch", "{\"QueueUrl\":\"%URL%\",\"Entries\":[]}", q("QueueUrl", "%URL%"),
                        "AWS.SimpleQueueService.EmptyBatchRequest", "EmptyBatchRequest", 400,
                        "There should be at least one SendMessageBatchRequestEntry in the request."),
                c("batch ids repeated", "DeleteMessageBatch",
                        "{\"QueueUrl\":\"%URL%\",\"Entries\":[{\"Id\":\"a\",\"ReceiptHandle\":\"x\"},{\"Id\":\"a\",\"ReceiptHandle\":\"y\"}]}",
                        q("QueueUrl", "%URL%", "DeleteMessageBatchRequestEntry.1.Id", "a",
                                "DeleteMessageBatchRequestEntry.1.ReceiptHandle", "x",
                                "DeleteMessageBatchRequestEntry.2.Id", "a", "DeleteMessageBatchRequestEntry.2.ReceiptHandle", "y"),
                        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "BatchEntryIdsNotDistinct", 400, "Id a repeated."),
                c("bad batch id", "ChangeMessageVisibilityBatch",
                        "{\"QueueUrl\":\"%URL%\",\"Entries\":[{\"Id\":\"a b\",\"ReceiptHandle\":\"x\",\"VisibilityTimeout\":1}]}",
                        q("QueueUrl", "%URL%", "ChangeMessageVisibilityBatchRequestEntry.1.Id", "a b",
                                "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle", "x"),
                        "AWS.SimpleQueueService.InvalidBatchEntryId", "InvalidBatchEntryId", 400,
                        "A batch entry id can only contain alphanumeric characters, hyphens and underscores."),
                c("batch too long", "SendMessageBatch", batchJson(huge, 10), batchQuery(huge, 10),
                        "AWS.SimpleQueueService.BatchRequestTooLong", "BatchRequestTooLong", 400,
                        "Batch requests cannot be longer than 1048576 bytes."),
                c("list page size out of range", "ListQueues", "{\"MaxResults\":0}", q("MaxResults", "0"),
                        "InvalidParameterValue", 400, "MaxResults must be an integer between 1 and 1000."),
                c("unknown permission action", "AddPermission",
                        "{\"QueueUrl\":\"%URL%\",\"Label\":\"l\",\"AWSAccountIds\":[\"111122223333\"],\"Actions\":[\"Explode\"]}",
                        q("QueueUrl", "%URL%", "Label", "l", "AWSAccountId.1", "111122223333", "ActionName.1", "Explode"),
                        "InvalidParameterValue", 400, "Value SQS:Explode for parameter ActionName is invalid."),
                c("unknown permission label", "RemovePermission", "{\"QueueUrl\":\"%URL%\",\"Label\":\"nope\"}",
                        q("QueueUrl", "%URL%", "Label", "nope"), "InvalidParameterValue", 400,
                        "can't find label on existing policy."),
                c("move task from a bad arn", "StartMessageMoveTask", "{\"SourceArn\":\"not-an-arn\"}", q("SourceArn", "not-an-arn"),
                        "InvalidParameterValue", 400, "You must use this format to specify the SourceArn"),
                c("move task from a missing queue", "StartMessageMoveTask",
                        "{\"SourceArn\":\"arn:aws:sqs:us-east-1:000000000000:missing\"}",
                        q("SourceArn", "arn:aws:sqs:us-east-1:000000000000:missing"), "ResourceNotFoundException", 404,
                        "The resource that you specified for the SourceArn parameter doesn't exist.")));
        return cases.stream();
    }

    private static String batchJson(String body, int n) {
        StringBuilder sb = new StringBuilder("{\"QueueUrl\":\"%URL%\",\"Entries\":[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"Id\":\"e").append(i).append("\",\"MessageBody\":\"").append(body).append("\"}");
        }
        return sb.append("]}").toString();
    }

    private static Map<String, String> batchQuery(String body, int n) {
        Map<String, String> m = q("QueueUrl", "%URL%");
        for (int i = 1; i <= n; i++) {
            m.put("SendMessageBatchRequestEntry." + i + ".Id", "e" + i);
            m.put("SendMessageBatchRequestEntry." + i + ".MessageBody", body);
        }
        return m;
    }

    private static String fill(String s) {
        return s.replace("%URL%", url).replace("%FIFO%", fifo).replace("%SMALL%", small);
    }

    @ParameterizedTest(name = "JSON 1.0: {0}")
    @MethodSource("cases")
    void theJsonProtocolAnswersTheAwsErrorTypeAndQueryErrorHeader(Case c) {
        HttpResponse<String> r = broker.json(c.action(), fill(c.json()));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(c.status());
        assertThat(r.headers().firstValue("x-amzn-query-error")).hasValue(c.code() + ";Sender");
        assertThat(r.headers().firstValue("content-type")).hasValue("application/x-amz-json-1.0");
        assertThat(r.body()).contains("\"__type\":\"com.amazonaws.sqs#" + c.jsonType() + "\"")
                .contains(c.message().replace("\"", "\\\""));
    }

    @ParameterizedTest(name = "Query: {0}")
    @MethodSource("cases")
    void theQueryProtocolAnswersAnXmlErrorWithTheAwsCode(Case c) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("Action", c.action());
        params.put("Version", "2012-11-05");
        c.query().forEach((k, v) -> params.put(k, fill(v)));

        HttpResponse<String> r = broker.query(params);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(c.status());
        assertThat(r.body()).contains("<ErrorResponse").contains("<Type>Sender</Type>")
                .contains("<Code>" + c.code() + "</Code>")
                .contains(c.message().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                        .replace("\"", "&quot;").replace("'", "&apos;"));
    }

    @org.junit.jupiter.api.Test
    void anUnknownJsonOperationIsAnUnknownOperationException() {
        HttpResponse<String> r = broker.json("Explode", "{}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"__type\":\"com.amazon.coral.service#UnknownOperationException\"");
    }

    @org.junit.jupiter.api.Test
    void anUnknownQueryActionIsInvalidAction() {
        HttpResponse<String> r = broker.query(q("Action", "Explode", "Version", "2012-11-05"));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("<Code>InvalidAction</Code>").contains("is not valid for this endpoint");
    }
}
