package io.ferrymq.tests.aws;

import io.ferrymq.amqp.AmqpProtocol;
import io.ferrymq.amqp.AmqpSettings;
import io.ferrymq.aws.AwsApiProtocol;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.stomp.StompProtocol;
import io.ferrymq.stomp.StompSettings;
import io.ferrymq.tests.support.StompTestClient;
import io.ferrymq.transport.testing.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies that other protocols send reach SQS clients losslessly, in both SQS wire protocols: valid UTF-8 text
 * that XML can carry as it is, anything else base64-encoded with the {@code ferrymq-body-encoding: base64}
 * attribute, MD5OfBody over what is sent, and the Query protocol's XML always parseable. And text sent
 * through SQS is text to AMQP consumers.
 */
class SqsBodyMappingTest {

    private static final String MARKER = "ferrymq-body-encoding";

    private EmbeddedBroker broker;
    private AwsApiProtocol aws;
    private SqsClient sqs;
    private StompTestClient stomp;
    private Connection jms;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void start() throws Exception {
        AwsApiProtocol[] made = new AwsApiProtocol[1];
        broker = EmbeddedBroker.builder()
                .protocol(b -> made[0] = new AwsApiProtocol(b, AwsApiSettings.defaults()))
                .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
                .protocol(b -> new AmqpProtocol(b, AmqpSettings.defaults()))
                .tcp("http", AwsApiProtocol.NAME)
                .tcp("mixed", StompProtocol.NAME, AmqpProtocol.NAME)
                .start();
        aws = made[0];
        sqs = SqsClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "dummy")))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(60))).build();
        stomp = StompTestClient.connect(broker.port("mixed"));
        jms = new JmsConnectionFactory("admin", "secret", "amqp://127.0.0.1:" + broker.port("mixed")).createConnection();
        jms.start();
    }

    @AfterEach
    void stop() throws Exception {
        jms.close();
        stomp.close();
        sqs.close();
        aws.close();
        broker.close();
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + broker.port("http"));
    }

    @Test
    void everyByteValueFromStompComesBackBase64EncodedInTheJsonAndQueryProtocols() throws Exception {
        byte[] body = new byte[256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        String url = queueWithStompMessage(body);

        Message json = receiveJsonAndKeepVisible(url);
        assertThat(json.messageAttributes()).containsKey(MARKER);
        assertThat(json.messageAttributes().get(MARKER).stringValue()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(json.body())).isEqualTo(body);
        assertThat(json.md5OfBody()).isEqualTo(md5(json.body()));

        Element query = receiveQuery(url);
        assertThat(text(query, "Body")).isEqualTo(json.body());
        assertThat(text(query, "MD5OfBody")).isEqualTo(md5(json.body()));
        assertThat(markerOf(query)).isEqualTo("base64");
    }

    @Test
    void controlCharactersInValidUtf8AreBase64EncodedAndTheXmlStaysParseable() throws Exception {
        String text = "line\u0001one\u0000\u001b[0m \u00e9";
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        String url = queueWithStompMessage(body);

        Element query = receiveQuery(url);
        assertThat(Base64.getDecoder().decode(text(query, "Body"))).isEqualTo(body);
        assertThat(text(query, "MD5OfBody")).isEqualTo(md5(text(query, "Body")));
        assertThat(markerOf(query)).isEqualTo("base64");

        Message json = receiveJsonAndKeepVisible(url);
        assertThat(json.messageAttributes().get(MARKER).stringValue()).isEqualTo("base64");
        assertThat(new String(Base64.getDecoder().decode(json.body()), StandardCharsets.UTF_8)).isEqualTo(text);
    }

    @Test
    void utf8TextFromStompIsShownAsItIsWithoutTheMarker() throws Exception {
        String text = "h\u00e9llo \u2713 \uD83D\uDE00\ttab\nline";
        String url = queueWithStompMessage(text.getBytes(StandardCharsets.UTF_8));

        Message json = receiveJsonAndKeepVisible(url);
        assertThat(json.body()).isEqualTo(text);
        assertThat(json.messageAttributes()).doesNotContainKey(MARKER);
        assertThat(json.md5OfBody()).isEqualTo(md5(text));

        Element query = receiveQuery(url);
        assertThat(text(query, "Body")).isEqualTo(text);
        assertThat(markerOf(query)).isNull();
    }

    @Test
    void textSentThroughSqsReachesAJmsConsumerAsATextMessage() throws Exception {
        String name = "sqs-text-" + Long.toString(System.nanoTime(), 36);
        String url = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue(name));

        sqs.sendMessage(b -> b.queueUrl(url).messageBody("grüße aus SQS"));

        jakarta.jms.Message m = consumer.receive(20_000);
        assertThat(m).isInstanceOf(TextMessage.class);
        assertThat(((TextMessage) m).getText()).isEqualTo("grüße aus SQS");
    }

    private String queueWithStompMessage(byte[] body) throws Exception {
        String name = "sqs-body-" + Long.toString(System.nanoTime(), 36);
        String url = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        StompHeaders h = new StompHeaders();
        h.setDestination("/queue/" + name);
        stomp.send(h, body);
        return url;
    }

    /** Receives over the JSON protocol (the SDK checks MD5OfBody) and leaves the message visible for the next read. */
    private Message receiveJsonAndKeepVisible(String url) {
        List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(10).visibilityTimeout(0))
                .messages();
        assertThat(got).hasSize(1);
        return got.get(0);
    }

    /** Receives over the Query protocol, leaving the message visible, and parses the XML answer (which must parse). */
    private Element receiveQuery(String url) throws Exception {
        String form = "Action=ReceiveMessage&Version=2012-11-05&WaitTimeSeconds=10&VisibilityTimeout=0&QueueUrl="
                + URLEncoder.encode(url, StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(endpoint()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(r.body()));
        NodeList messages = doc.getElementsByTagName("Message");
        assertThat(messages.getLength()).isEqualTo(1);
        return (Element) messages.item(0);
    }

    private static String text(Element e, String child) {
        return e.getElementsByTagName(child).item(0).getTextContent();
    }

    private static String markerOf(Element message) {
        NodeList attrs = message.getElementsByTagName("MessageAttribute");
        for (int i = 0; i < attrs.getLength(); i++) {
            Element a = (Element) attrs.item(i);
            if (text(a, "Name").equals(MARKER)) {
                return text(a, "StringValue");
            }
        }
        return null;
    }

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
