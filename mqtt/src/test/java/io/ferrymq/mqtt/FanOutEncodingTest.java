package io.ferrymq.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One topic fanned out to subscribers of both MQTT versions, at QoS 0 and 1, over TCP and WebSocket, with and
 * without subscription identifiers. The broker encodes a message once per shape and copies the packet per
 * delivery, so each subscriber must still get the packet of its own version, QoS and packet id.
 */
class FanOutEncodingTest {

    private static final int MESSAGES = 40;
    private static final long WAIT = 15;

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new MqttProtocol(b, MqttSettings.defaults()))
            .tcp("mqtt", MqttProtocol.NAME)
            .websocket("ws", MqttProtocol.NAME)
            .build();

    private final List<MqttAsyncClient> paho = new ArrayList<>();
    private final List<Mqtt5AsyncClient> hive5 = new ArrayList<>();
    private final List<Mqtt3AsyncClient> hive3 = new ArrayList<>();

    /** A delivery as Paho's MQTT 5 client saw it. */
    private record Received(String payload, int qos, MqttProperties properties) {
    }

    @AfterEach
    void disconnect() throws MqttException {
        for (MqttAsyncClient c : paho) {
            if (c.isConnected()) {
                c.disconnectForcibly(0, 1000, false);
            }
            c.close(true);
        }
        hive5.forEach(c -> c.disconnect().handle((r, t) -> null).orTimeout(5, TimeUnit.SECONDS).join());
        hive3.forEach(c -> c.disconnect().handle((r, t) -> null).orTimeout(5, TimeUnit.SECONDS).join());
    }

    @Test
    void everySubscriberGetsThePacketOfItsOwnVersionQosAndPacketId() throws Exception {
        // Paho sends no subscription identifier.
        BlockingQueue<Received> v5AtLeastOnce = subscribePaho("v5-q1", "tcp://127.0.0.1:" + broker.port("mqtt"), 1);
        BlockingQueue<Received> v5OverWebSocket = subscribePaho("v5-ws-q0",
                "ws://127.0.0.1:" + broker.port("ws") + "/mqtt", 0);
        // The HiveMQ client numbers its subscriptions from 1: these two share a shape with an identifier.
        BlockingQueue<Mqtt5Publish> v5WithIdentifier = subscribeHive5("v5-sid");
        BlockingQueue<Mqtt5Publish> v5WithIdentifierToo = subscribeHive5("v5-sid-too");
        BlockingQueue<Mqtt3Publish> v3AtLeastOnce = subscribeHive3("v3-q1", MqttQos.AT_LEAST_ONCE);
        BlockingQueue<Mqtt3Publish> v3AtMostOnce = subscribeHive3("v3-q0", MqttQos.AT_MOST_ONCE);

        Mqtt5AsyncClient publisher = Mqtt5Client.builder().identifier("pub").serverHost("127.0.0.1")
                .serverPort(broker.port("mqtt")).buildAsync();
        hive5.add(publisher);
        publisher.connectWith().simpleAuth().username("guest").password(utf8("guest")).applySimpleAuth().send()
                .get(WAIT, TimeUnit.SECONDS);
        for (int i = 0; i < MESSAGES; i++) {
            publisher.publishWith().topic("plant/7/temp").qos(MqttQos.AT_LEAST_ONCE).contentType("text/plain")
                    .userProperties().add("seq", Integer.toString(i)).applyUserProperties()
                    .payload(utf8("reading " + i)).send().get(WAIT, TimeUnit.SECONDS);
        }

        for (int i = 0; i < MESSAGES; i++) {
            String expected = "reading " + i;
            String seq = Integer.toString(i);

            Received q1 = next(v5AtLeastOnce);
            assertThat(q1.payload()).isEqualTo(expected);
            assertThat(q1.qos()).isEqualTo(1);
            assertThat(q1.properties().getContentType()).isEqualTo("text/plain");
            assertThat(q1.properties().getUserProperties()).singleElement()
                    .satisfies(p -> assertThat(p.getValue()).isEqualTo(seq));

            Received ws = next(v5OverWebSocket);
            assertThat(ws.payload()).isEqualTo(expected);
            assertThat(ws.qos()).isZero();
            assertThat(ws.properties().getUserProperties()).singleElement()
                    .satisfies(p -> assertThat(p.getValue()).isEqualTo(seq));

            for (BlockingQueue<Mqtt5Publish> identified : List.of(v5WithIdentifier, v5WithIdentifierToo)) {
                Mqtt5Publish withId = next(identified);
                assertThat(text(withId.getPayloadAsBytes())).isEqualTo(expected);
                assertThat(withId.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
                assertThat(withId.getUserProperties().asList()).singleElement()
                        .satisfies(p -> assertThat(p.getValue().toString()).isEqualTo(seq));
            }

            Mqtt3Publish v3q1 = next(v3AtLeastOnce);
            assertThat(text(v3q1.getPayloadAsBytes())).isEqualTo(expected);
            assertThat(v3q1.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);

            Mqtt3Publish v3q0 = next(v3AtMostOnce);
            assertThat(text(v3q0.getPayloadAsBytes())).isEqualTo(expected);
            assertThat(v3q0.getQos()).isEqualTo(MqttQos.AT_MOST_ONCE);
        }
    }

    private BlockingQueue<Received> subscribePaho(String id, String uri, int qos) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(uri, id, new MemoryPersistence());
        paho.add(c);
        BlockingQueue<Received> got = new LinkedBlockingQueue<>();
        c.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage m) {
                got.add(new Received(text(m.getPayload()), m.getQos(), m.getProperties()));
            }

            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void deliveryComplete(IMqttToken t) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName("guest");
        o.setPassword(utf8("guest"));
        o.setConnectionTimeout((int) WAIT);
        c.connect(o).waitForCompletion(WAIT * 1000);
        c.subscribe("plant/+/temp", qos).waitForCompletion(WAIT * 1000);
        return got;
    }

    private BlockingQueue<Mqtt5Publish> subscribeHive5(String id) throws Exception {
        Mqtt5AsyncClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.port("mqtt")).buildAsync();
        hive5.add(c);
        BlockingQueue<Mqtt5Publish> got = new LinkedBlockingQueue<>();
        c.publishes(MqttGlobalPublishFilter.ALL, got::add);
        c.connectWith().simpleAuth().username("guest").password(utf8("guest")).applySimpleAuth().send()
                .get(WAIT, TimeUnit.SECONDS);
        c.subscribeWith().topicFilter("plant/+/temp").qos(MqttQos.AT_LEAST_ONCE).send().get(WAIT, TimeUnit.SECONDS);
        return got;
    }

    private BlockingQueue<Mqtt3Publish> subscribeHive3(String id, MqttQos qos) throws Exception {
        Mqtt3AsyncClient c = Mqtt3Client.builder().identifier(id).serverHost("127.0.0.1")
                .serverPort(broker.port("mqtt")).buildAsync();
        hive3.add(c);
        BlockingQueue<Mqtt3Publish> got = new LinkedBlockingQueue<>();
        c.publishes(MqttGlobalPublishFilter.ALL, got::add);
        c.connectWith().simpleAuth().username("guest").password(utf8("guest")).applySimpleAuth().send()
                .get(WAIT, TimeUnit.SECONDS);
        c.subscribeWith().topicFilter("plant/+/temp").qos(qos).send().get(WAIT, TimeUnit.SECONDS);
        return got;
    }

    private static <T> T next(BlockingQueue<T> q) throws InterruptedException {
        T t = q.poll(WAIT, TimeUnit.SECONDS);
        assertThat(t).as("a publish within %d s", WAIT).isNotNull();
        return t;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
