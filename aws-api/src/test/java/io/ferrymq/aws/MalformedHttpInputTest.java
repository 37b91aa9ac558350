package io.ferrymq.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed HTTP input gets AWS's error in the request's own wire protocol and the connection stays usable:
 * broken percent-encoding in a query string or form body, and JSON values of the wrong type.
 */
class MalformedHttpInputTest {

    static AwsTestBroker broker;

    @BeforeAll
    static void start() {
        broker = AwsTestBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** A raw HTTP/1.1 response: status, headers (lower-case names) and body. */
    record Raw(int status, Map<String, String> headers, String body) {
    }

    @ParameterizedTest
    @CsvSource({"%zz", "%E", "abc%", "%4"})
    void brokenPercentEncodingInAFormBodyIsMalformedQueryStringAndTheConnectionStaysOpen(String bad) throws Exception {
        try (Socket s = new Socket("127.0.0.1", broker.port())) {
            s.setSoTimeout(30_000);
            String body = "Action=ListQueues&Version=2012-11-05&QueueNamePrefix=" + bad;
            Raw r = exchange(s, "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body);

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.headers().get("content-type")).startsWith("text/xml");
            assertThat(r.body()).contains("<Code>MalformedQueryString</Code>").contains("percent-encoded");
            parseXml(r.body());

            // The same connection answers the next request.
            String ok = "Action=ListQueues&Version=2012-11-05";
            Raw next = exchange(s, "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: " + ok.length() + "\r\n\r\n" + ok);
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).contains("<ListQueuesResponse");
        }
    }

    @Test
    void brokenPercentEncodingInAQueryStringIsMalformedQueryString() throws Exception {
        try (Socket s = new Socket("127.0.0.1", broker.port())) {
            s.setSoTimeout(30_000);
            Raw r = exchange(s, "GET /?Action=ListQueues&Version=2012-11-05&QueueNamePrefix=%G1 HTTP/1.1\r\n"
                    + "Host: localhost\r\n\r\n");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("<Code>MalformedQueryString</Code>");
            parseXml(r.body());
        }
    }

    @Test
    void brokenPercentEncodingInAJsonRequestsQueryStringIsAJsonError() throws Exception {
        try (Socket s = new Socket("127.0.0.1", broker.port())) {
            s.setSoTimeout(30_000);
            Raw r = exchange(s, "POST /?x=%%% HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\n"
                    + "X-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: 2\r\n\r\n{}");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.headers().get("x-amzn-query-error")).isEqualTo("MalformedQueryString;Sender");
            assertThat(r.body()).contains("\"__type\"").contains("MalformedQueryString");
        }
    }

    @Test
    void aQueueUrlWithBrokenPercentEncodingIsInvalidAddress() {
        HttpResponse<String> r = broker.json("GetQueueAttributes",
                "{\"QueueUrl\":\"/000000000000/q%zz\",\"AttributeNames\":[\"All\"]}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        assertThat(r.headers().firstValue("x-amzn-query-error")).hasValue("InvalidAddress;Sender");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "CreateQueue|{\"QueueName\":123}|QueueName",
            "CreateQueue|{\"QueueName\":[\"a\"]}|QueueName",
            "CreateQueue|{\"QueueName\":\"typed-attrs\",\"Attributes\":{\"DelaySeconds\":5}}|Attributes.DelaySeconds",
            "CreateQueue|{\"QueueName\":\"typed-attrs2\",\"Attributes\":[\"DelaySeconds\"]}|Attributes",
            "GetQueueUrl|{\"QueueName\":true}|QueueName",
            "SendMessage|{\"QueueUrl\":{\"u\":1},\"MessageBody\":\"x\"}|QueueUrl",
            "ReceiveMessage|{\"QueueUrl\":\"http://localhost/000000000000/typed\",\"MaxNumberOfMessages\":true}|MaxNumberOfMessages",
            "DeleteMessageBatch|{\"QueueUrl\":\"http://localhost/000000000000/typed\",\"Entries\":\"x\"}|Entries",
            "TagQueue|{\"QueueUrl\":\"http://localhost/000000000000/typed\",\"Tags\":{\"a\":1}}|Tags.a"})
    void aJsonValueOfTheWrongTypeIsASerializationException(String action, String json, String parameter) {
        broker.json("CreateQueue", "{\"QueueName\":\"typed\"}");

        HttpResponse<String> r = broker.json(action, json);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("x-amzn-query-error")).hasValue("SerializationException;Sender");
        assertThat(r.body()).contains("SerializationException").contains("parameter " + parameter + ":");
        String queues = broker.json("ListQueues", "{}").body();
        assertThat(queues).doesNotContain("/123\"").doesNotContain("typed-attrs");
    }

    private static Raw exchange(Socket s, String request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the broker closed the connection without a complete answer").isNotNegative();
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Raw(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static void parseXml(String xml) throws Exception {
        DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
