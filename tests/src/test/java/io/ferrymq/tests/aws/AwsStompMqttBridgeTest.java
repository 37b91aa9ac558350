package io.ferrymq.tests.aws;

import io.ferrymq.aws.AwsApiProtocol;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.mqtt.MqttProtocol;
import io.ferrymq.mqtt.MqttSettings;
import io.ferrymq.stomp.StompProtocol;
import io.ferrymq.stomp.StompSettings;
import io.ferrymq.tests.support.MqttTestClient;
import io.ferrymq.tests.support.StompTestClient;
import io.ferrymq.transport.testing.EmbeddedBroker;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.simp.stomp.StompHeaders;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQS and SNS meeting STOMP and MQTT on one broker: an SQS queue is the STOMP destination
 * {@code /queue/NAME}, and an SNS topic reaches STOMP and MQTT subscribers through SQS subscriptions,
 * the broker-native {@code ferrymq} subscription protocol, and directly when its name is a dotted broker topic name.
 */
class AwsStompMqttBridgeTest {

    private EmbeddedBroker broker;
    private AwsApiProtocol aws;
    private SqsClient sqs;
    private SnsClient sns;
    private StompTestClient stomp;
    private MqttTestClient mqttClient;
    private MqttAsyncClient mqtt;
    private BlockingQueue<MqttMessage> mqttInbox;

    @BeforeEach
    void start() throws Exception {
        AwsApiProtocol[] made = new AwsApiProtocol[1];
        broker = EmbeddedBroker.builder()
                .protocol(b -> made[0] = new AwsApiProtocol(b, AwsApiSettings.defaults()))
                .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
                .protocol(b -> new MqttProtocol(b, MqttSettings.defaults()))
                .tcp("http", AwsApiProtocol.NAME)
                .tcp("mixed", StompProtocol.NAME, MqttProtocol.NAME)
                .start();
        aws = made[0];
        URI endpoint = URI.create("http://127.0.0.1:" + broker.port("http"));
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "dummy"));
        sqs = SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(60))).build();
        sns = SnsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder()).build();

        int port = broker.port("mixed");
        stomp = StompTestClient.connect(port);

        mqttClient = MqttTestClient.connect(port, "aws-bridge");
        mqtt = mqttClient.client();
        mqttInbox = mqttClient.inbox();
    }

    @AfterEach
    void stop() throws Exception {
        mqttClient.close();
        stomp.close();
        sqs.close();
        sns.close();
        aws.close();
        broker.close();
    }




    private static String unique(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime(), 36);
    }

    @Test
    void anSqsMessageIsConsumedByAStompClientFromTheSameQueue() throws Exception {
        String name = unique("orders");
        String url = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        BlockingQueue<StompTestClient.Frame> frames = stomp.subscribe("/queue/" + name);

        sqs.sendMessage(b -> b.queueUrl(url).messageBody("order 1").messageAttributes(Map.of("customer",
                MessageAttributeValue.builder().dataType("String").stringValue("acme").build())));

        StompTestClient.Frame f = frames.poll(20, TimeUnit.SECONDS);
        assertThat(f).isNotNull();
        assertThat(f.text()).isEqualTo("order 1");
        assertThat(f.headers().getFirst("customer")).isEqualTo("acme");
    }

    @Test
    void anSqsAttributeNamedContentTypeIsTheStompContentType() throws Exception {
        String name = unique("typed");
        String url = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        BlockingQueue<StompTestClient.Frame> frames = stomp.subscribe("/queue/" + name);

        sqs.sendMessage(b -> b.queueUrl(url).messageBody("{\"n\":1}").messageAttributes(Map.of(
                "content-type", MessageAttributeValue.builder().dataType("String").stringValue("application/json").build(),
                "customer", MessageAttributeValue.builder().dataType("String").stringValue("acme").build())));

        StompTestClient.Frame f = frames.poll(20, TimeUnit.SECONDS);
        assertThat(f).isNotNull();
        assertThat(f.text()).isEqualTo("{\"n\":1}");
        assertThat(f.headers().getFirst("content-type")).isEqualTo("application/json");
        assertThat(f.headers().getFirst("customer")).isEqualTo("acme");
    }

    @Test
    void aStompSendIsReceivedThroughSqsWithItsHeadersAsAttributes() throws Exception {
        String name = unique("jobs");
        String url = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        StompHeaders h = new StompHeaders();
        h.setDestination("/queue/" + name);
        h.set("priority-class", "high");
        h.set("persistent", "true");

        stomp.send(h, "job from stomp");

        List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(20).messageAttributeNames("All")
                .messageSystemAttributeNamesWithStrings("All")).messages();
        assertThat(got).hasSize(1);
        assertThat(got.get(0).body()).isEqualTo("job from stomp");
        assertThat(got.get(0).messageAttributes().get("priority-class").stringValue()).isEqualTo("high");
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(got.get(0).receiptHandle()));
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes()).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
                .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
    }

    @Test
    void anSnsPublishReachesAStompSubscriberThroughAnSqsQueueSubscription() throws Exception {
        String topic = sns.createTopic(b -> b.name(unique("alerts"))).topicArn();
        String name = unique("alert-inbox");
        String url = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sns.subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(queueArn)
                .attributes(Map.of("RawMessageDelivery", "true")));
        BlockingQueue<StompTestClient.Frame> frames = stomp.subscribe("/queue/" + name);

        sns.publish(b -> b.topicArn(topic).message("disk full"));

        StompTestClient.Frame f = frames.poll(20, TimeUnit.SECONDS);
        assertThat(f).isNotNull();
        assertThat(f.text()).isEqualTo("disk full");
    }

    @Test
    void anSnsPublishReachesMqttAndStompTopicSubscribersThroughANativeSubscription() throws Exception {
        String topic = sns.createTopic(b -> b.name(unique("telemetry"))).topicArn();
        sns.subscribe(b -> b.topicArn(topic).protocol("ferrymq").endpoint("topic/plant.line1.status")
                .attributes(Map.of("FilterPolicy", "{\"severity\":[\"high\"]}")));
        mqtt.subscribe("plant/+/status", 1).waitForCompletion(15_000);
        BlockingQueue<StompTestClient.Frame> frames = stomp.subscribe("/topic/plant.*.status");

        sns.publish(b -> b.topicArn(topic).message("low one").messageAttributes(Map.of("severity",
                software.amazon.awssdk.services.sns.model.MessageAttributeValue.builder().dataType("String")
                        .stringValue("low").build())));
        sns.publish(b -> b.topicArn(topic).message("line stopped").messageAttributes(Map.of("severity",
                software.amazon.awssdk.services.sns.model.MessageAttributeValue.builder().dataType("String")
                        .stringValue("high").build())));

        MqttMessage m = mqttInbox.poll(20, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(new String(m.getPayload(), StandardCharsets.UTF_8)).isEqualTo("line stopped");
        StompTestClient.Frame f = frames.poll(20, TimeUnit.SECONDS);
        assertThat(f).isNotNull();
        assertThat(f.text()).isEqualTo("line stopped");
        assertThat(f.headers().getFirst("severity")).isEqualTo("high");
    }

    @Test
    void anSnsTopicWithADottedNameIsTheBrokerTopicOfThatName() throws Exception {
        String name = "orders." + unique("eu").replace('-', '_');
        String topic = sns.createTopic(b -> b.name(name)).topicArn();
        mqtt.subscribe(name.replace('.', '/'), 1).waitForCompletion(15_000);
        BlockingQueue<StompTestClient.Frame> frames = stomp.subscribe("/topic/orders.*");

        sns.publish(b -> b.topicArn(topic).message("order 7"));

        StompTestClient.Frame f = frames.poll(20, TimeUnit.SECONDS);
        assertThat(f).isNotNull();
        assertThat(f.text()).isEqualTo("order 7");
        MqttMessage m = mqttInbox.poll(20, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(new String(m.getPayload(), StandardCharsets.UTF_8)).isEqualTo("order 7");
        assertThat(frames.poll(1, TimeUnit.SECONDS)).as("one copy per publish").isNull();
    }
}
