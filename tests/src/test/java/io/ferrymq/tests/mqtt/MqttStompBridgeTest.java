package io.ferrymq.tests.mqtt;

import io.ferrymq.mqtt.MqttProtocol;
import io.ferrymq.mqtt.MqttSettings;
import io.ferrymq.stomp.StompProtocol;
import io.ferrymq.stomp.StompSettings;
import io.ferrymq.tests.support.MqttTestClient;
import io.ferrymq.tests.support.StompTestClient;
import io.ferrymq.transport.testing.EmbeddedBroker;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.simp.stomp.StompHeaders;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT and STOMP clients meeting on one topic through the core, on a single port that serves both
 * protocols: an MQTT topic {@code a/b/c} is the STOMP destination {@code /topic/a.b.c}.
 */
class MqttStompBridgeTest {

    private EmbeddedBroker broker;
    private StompTestClient stomp;
    private MqttTestClient mqttClient;
    private MqttAsyncClient mqtt;
    private BlockingQueue<MqttMessage> mqttInbox;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.builder()
                .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
                .protocol(b -> new MqttProtocol(b, MqttSettings.defaults()))
                .tcp("mixed", StompProtocol.NAME, MqttProtocol.NAME)
                .start();
        int port = broker.port("mixed");

        stomp = StompTestClient.connect(port);

        mqttClient = MqttTestClient.connect(port, "bridge");
        mqtt = mqttClient.client();
        mqttInbox = mqttClient.inbox();
    }

    @AfterEach
    void stop() throws Exception {
        mqttClient.close();
        stomp.close();
        broker.close();
    }




    @Test
    void mqttPublishReachesStompSubscriberWithItsProperties() throws Exception {
        BlockingQueue<StompTestClient.Frame> frames = stomp.subscribe("/topic/sensors.kitchen.temp");
        MqttProperties p = new MqttProperties();
        p.setUserProperties(List.of(new UserProperty("unit", "C"), new UserProperty("sensor", "k-1")));
        p.setContentType("text/plain");
        p.setCorrelationData("req-42".getBytes(StandardCharsets.UTF_8));
        IMqttToken t = mqtt.publish("sensors/kitchen/temp",
                new MqttMessage("21.5".getBytes(StandardCharsets.UTF_8), 1, false, p));
        t.waitForCompletion(15_000);

        StompTestClient.Frame f = frames.poll(15, TimeUnit.SECONDS);
        assertThat(f).isNotNull();
        assertThat(f.text()).isEqualTo("21.5");
        assertThat(f.headers().getFirst("unit")).isEqualTo("C");
        assertThat(f.headers().getFirst("sensor")).isEqualTo("k-1");
        assertThat(f.headers().getFirst("content-type")).startsWith("text/plain");
        assertThat(f.headers().getFirst("correlation-id")).isEqualTo("req-42");
        assertThat(f.headers().getFirst("persistent")).isEqualTo("true"); // QoS 1 is a durable message
    }

    @Test
    void stompSendReachesMqttSubscribersWithHeadersAsUserProperties() throws Exception {
        mqtt.subscribe("sensors/+/temp", 1).waitForCompletion(15_000);
        StompHeaders h = new StompHeaders();
        h.setDestination("/topic/sensors.garage.temp");
        h.setContentType(org.springframework.util.MimeType.valueOf("application/json"));
        h.set("unit", "F");
        h.set("correlation-id", "corr-7");
        h.set("persistent", "true");
        stomp.send(h, "{\"t\":70}");

        MqttMessage m = mqttInbox.poll(15, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(new String(m.getPayload(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":70}");
        assertThat(m.getQos()).isEqualTo(1); // a persistent STOMP message arrives at QoS 1
        MqttProperties p = m.getProperties();
        assertThat(p.getContentType()).isEqualTo("application/json");
        assertThat(new String(p.getCorrelationData(), StandardCharsets.UTF_8)).isEqualTo("corr-7");
        Map<String, String> user = p.getUserProperties().stream()
                .collect(Collectors.toMap(UserProperty::getKey, UserProperty::getValue, (a, b) -> a));
        assertThat(user).containsEntry("unit", "F");
    }

    @Test
    void dotsAndSlashesMapBothWays() throws Exception {
        // An MQTT level may hold a dot; it travels as '/' inside a STOMP topic word.
        BlockingQueue<StompTestClient.Frame> frames = stomp.subscribe("/topic/files.report/pdf");
        mqtt.publish("files/report.pdf", new MqttMessage("%PDF".getBytes(StandardCharsets.UTF_8), 0, false, null))
                .waitForCompletion(15_000);
        assertThat(frames.poll(15, TimeUnit.SECONDS).text()).isEqualTo("%PDF");

        mqtt.subscribe("files/#", 0).waitForCompletion(15_000);
        StompHeaders h = new StompHeaders();
        h.setDestination("/topic/files.notes/txt");
        stomp.send(h, "notes");
        MqttMessage m = mqttInbox.poll(15, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(new String(m.getPayload(), StandardCharsets.UTF_8)).isEqualTo("notes");
        assertThat(m.getQos()).isZero(); // a non-persistent STOMP message is QoS 0
    }

    @Test
    void anMqttResponseTopicIsAStompReplyToTheTopicAndTheReplyReachesTheRequester() throws Exception {
        BlockingQueue<StompTestClient.Frame> requests = stomp.subscribe("/topic/service.requests");
        mqtt.subscribe("replies/client-1", 1).waitForCompletion(15_000);
        MqttProperties p = new MqttProperties();
        p.setResponseTopic("replies/client-1");
        p.setCorrelationData("q-1".getBytes(StandardCharsets.UTF_8));
        mqtt.publish("service/requests", new MqttMessage("ping".getBytes(StandardCharsets.UTF_8), 1, false, p))
                .waitForCompletion(15_000);

        StompTestClient.Frame request = requests.poll(15, TimeUnit.SECONDS);
        assertThat(request).isNotNull();
        assertThat(request.headers().getFirst("reply-to")).isEqualTo("/topic/replies.client-1");

        // The STOMP responder answers where reply-to points, as a STOMP client would.
        StompHeaders reply = new StompHeaders();
        reply.setDestination(request.headers().getFirst("reply-to"));
        reply.set("correlation-id", request.headers().getFirst("correlation-id"));
        stomp.send(reply, "pong");
        MqttMessage m = mqttInbox.poll(15, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(new String(m.getPayload(), StandardCharsets.UTF_8)).isEqualTo("pong");
        assertThat(new String(m.getProperties().getCorrelationData(), StandardCharsets.UTF_8)).isEqualTo("q-1");
    }

    @Test
    void aStompReplyToATopicIsAnMqttResponseTopic() throws Exception {
        mqtt.subscribe("service/requests", 1).waitForCompletion(15_000);
        StompHeaders h = new StompHeaders();
        h.setDestination("/topic/service.requests");
        h.set("reply-to", "/topic/replies.stomp-1");
        stomp.send(h, "ping");

        MqttMessage m = mqttInbox.poll(15, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(m.getProperties().getResponseTopic()).isEqualTo("replies/stomp-1");
    }

    @Test
    void anMqttResponseTopicComesBackUnchangedToMqtt() throws Exception {
        mqtt.subscribe("service/echo", 1).waitForCompletion(15_000);
        MqttProperties p = new MqttProperties();
        p.setResponseTopic("replies/report.pdf");
        mqtt.publish("service/echo", new MqttMessage("x".getBytes(StandardCharsets.UTF_8), 1, false, p))
                .waitForCompletion(15_000);
        MqttMessage m = mqttInbox.poll(15, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(m.getProperties().getResponseTopic()).isEqualTo("replies/report.pdf");
    }
}
