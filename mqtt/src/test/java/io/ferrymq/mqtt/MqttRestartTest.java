package io.ferrymq.mqtt;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.storage.RecoveryListener;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a broker on a journal keeps across a restart: persistent sessions with their subscriptions and
 * queued messages, retained messages, and the QoS 2 state of both directions.
 */
class MqttRestartTest {

    /** The batches the broker stores, from the journal's side. */
    private final List<List<StorageRecord>> batches = new CopyOnWriteArrayList<>();

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new MqttProtocol(b, MqttSettings.defaults()))
            .tcp("mqtt", MqttProtocol.NAME)
            .durable()
            .storageView(journal -> recording(journal, batches))
            .build();

    private final List<MqttClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnectForcibly(0, 1000, false);
            }
            c.close(true);
        }
    }

    private void restart() {
        broker.restart();
    }

    /** {@code journal}, noting each batch appended to it. */
    private static Storage recording(Storage journal, List<List<StorageRecord>> batches) {
        return new Storage() {
            @Override public RecoveredIds recover(RecoveryListener listener) { return journal.recover(listener); }
            @Override public boolean persistent() { return journal.persistent(); }
            @Override public void close() { journal.close(); }

            @Override
            public CompletableFuture<Void> append(List<StorageRecord> batch) {
                batches.add(List.copyOf(batch));
                return journal.append(batch);
            }
        };
    }

    private MqttClient client(String id) throws Exception {
        MqttClient c = new MqttClient("tcp://127.0.0.1:" + broker.port("mqtt"), id, new MemoryPersistence());
        clients.add(c);
        return c;
    }

    private static MqttConnectOptions options(boolean clean) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName("guest");
        o.setPassword("guest".toCharArray());
        o.setCleanSession(clean);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(15);
        return o;
    }

    @Test
    void persistentSessionAndItsQueuedMessagesSurviveARestart() throws Exception {
        MqttClient sub = client("durable-sub");
        sub.connect(options(false));
        sub.subscribe("plant/+/alarm", 1);
        sub.subscribe("plant/line1/#", 2);
        sub.disconnect();

        MqttClient pub = client("pub");
        pub.connect(options(true));
        for (int i = 0; i < 20; i++) {
            pub.publish("plant/line" + (i % 2) + "/alarm", ("alarm " + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        pub.disconnect();
        restart();

        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        MqttClient again = client("durable-sub");
        again.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
                got.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        IMqttToken t = again.connectWithResult(options(false));
        assertThat(t.getSessionPresent()).isTrue();
        for (int i = 0; i < 20; i++) {
            String m = got.poll(15, TimeUnit.SECONDS);
            assertThat(m).isEqualTo("plant/line" + (i % 2) + "/alarm alarm " + i);
        }
        // the subscriptions themselves survived too
        MqttClient pub2 = client("pub2");
        pub2.connect(options(true));
        pub2.publish("plant/line1/pressure", "high".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(got.poll(15, TimeUnit.SECONDS)).isEqualTo("plant/line1/pressure high");
    }

    @Test
    void aQos2PacketIdIsStoredInOneBatchWithItsMessageSoACrashCannotSplitThem() throws Exception {
        MqttClient sub = client("meter-reader");
        sub.connect(options(false));
        sub.subscribe("meter/+", 2);
        MqttClient pub = client("meter-1");
        pub.connect(options(false));
        batches.clear();

        pub.publish("meter/1", "42 kWh".getBytes(StandardCharsets.UTF_8), 2, false);

        String publisher = ClientSession.key(Broker.DEFAULT_VHOST, "meter-1");
        assertThat(batches).as("the batch that stores the message").anySatisfy(batch -> {
            assertThat(batch).anyMatch(r -> r instanceof StorageRecord.AddMessage);
            assertThat(batch).anySatisfy(r -> {
                assertThat(r).isInstanceOfSatisfying(StorageRecord.PutState.class, state -> {
                    assertThat(state.key()).isEqualTo(publisher);
                    assertThat(ClientSession.decode(state.value()).inboundAwaitingRelease).hasSize(1);
                });
            });
        });
        // After PUBREL the id is gone from the stored session again.
        assertThat(ClientSession.decode(broker.broker().stateStore("mqtt.session").get(publisher).orElseThrow())
                .inboundAwaitingRelease).isEmpty();
    }

    @Test
    void retainedMessagesSurviveARestart() throws Exception {
        MqttClient pub = client("retainer");
        pub.connect(options(true));
        pub.publish("devices/a/state", "on".getBytes(StandardCharsets.UTF_8), 1, true);
        pub.publish("devices/b/state", "off".getBytes(StandardCharsets.UTF_8), 1, true);
        pub.publish("devices/b/state", new byte[0], 1, true); // cleared before the restart
        pub.disconnect();
        restart();

        MqttClient sub = client("late");
        sub.connect(options(true));
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        sub.subscribe("devices/+/state", 1, (topic, m) ->
                got.add(topic + " " + new String(m.getPayload(), StandardCharsets.UTF_8) + " " + m.isRetained()));
        assertThat(got.poll(15, TimeUnit.SECONDS)).isEqualTo("devices/a/state on true");
        sub.publish("devices/z/state", "marker".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(got.poll(15, TimeUnit.SECONDS)).isEqualTo("devices/z/state marker false");
    }

    @Test
    void qos2StateOfBothDirectionsSurvivesARestart() throws Exception {
        int deliveredId;
        try (RawMqttClient sub = new RawMqttClient(broker.port("mqtt"));
             RawMqttClient pub = new RawMqttClient(broker.port("mqtt"))) {
            sub.connect(MqttVersion.MQTT_3_1_1, "q2-sub", false, null);
            sub.subscribe(1, "q2/#", 2);
            sub.expect(MqttMessageType.SUBACK);
            pub.connect(MqttVersion.MQTT_3_1_1, "q2-pub", false, null);
            pub.publish("q2/first", 2, 11, false, "first", null);
            pub.expect(MqttMessageType.PUBREC);
            pub.reply(MqttMessageType.PUBREL, 11);
            pub.expect(MqttMessageType.PUBCOMP);

            MqttPublishMessage first = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
            assertThat(RawMqttClient.payload(first)).isEqualTo("first");
            deliveredId = first.variableHeader().packetId();
            first.release();
            sub.reply(MqttMessageType.PUBREC, deliveredId);
            sub.expect(MqttMessageType.PUBREL);
            // no PUBCOMP before the broker goes down

            // the second one is stored and acknowledged with PUBREC, but not yet released
            pub.publish("q2/second", 2, 12, false, "second", null);
            pub.expect(MqttMessageType.PUBREC);
        }
        restart();

        try (RawMqttClient pub = new RawMqttClient(broker.port("mqtt"))) {
            assertThat(pub.connect(MqttVersion.MQTT_3_1_1, "q2-pub", false, null).variableHeader().isSessionPresent())
                    .isTrue();
            pub.publish("q2/second", 2, 12, true, "second", null); // resent: must not be routed twice
            assertThat(RawMqttClient.packetId(pub.expect(MqttMessageType.PUBREC))).isEqualTo(12);
            pub.reply(MqttMessageType.PUBREL, 12);
            pub.expect(MqttMessageType.PUBCOMP);
        }
        try (RawMqttClient sub = new RawMqttClient(broker.port("mqtt"))) {
            sub.connect(MqttVersion.MQTT_3_1_1, "q2-sub", false, null);
            List<String> seen = new ArrayList<>();
            boolean releasedAgain = false;
            while (seen.size() < 1 || !releasedAgain) {
                MqttMessage m = sub.receive();
                if (m instanceof MqttPublishMessage p) {
                    seen.add(RawMqttClient.payload(p));
                    sub.reply(MqttMessageType.PUBREC, p.variableHeader().packetId());
                    p.release();
                } else if (m.fixedHeader().messageType() == MqttMessageType.PUBREL) {
                    if (RawMqttClient.packetId(m) == deliveredId) {
                        releasedAgain = true;
                    }
                    sub.reply(MqttMessageType.PUBCOMP, RawMqttClient.packetId(m));
                }
            }
            // "first" completed its PUBREC before the restart: only its PUBREL comes again; "second" once
            assertThat(seen).containsExactly("second");
            sub.ping();
            MqttMessage m;
            while ((m = sub.receive()).fixedHeader().messageType() != MqttMessageType.PINGRESP) {
                assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREL);
                sub.reply(MqttMessageType.PUBCOMP, RawMqttClient.packetId(m));
            }
        }
    }
}
