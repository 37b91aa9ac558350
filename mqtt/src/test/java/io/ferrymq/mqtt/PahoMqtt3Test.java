package io.ferrymq.mqtt;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** MQTT 3.1 and 3.1.1 with Eclipse Paho's v3 client, over TCP and WebSocket. */
class PahoMqtt3Test {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new MqttProtocol(b, MqttSettings.defaults().withSysIntervalSeconds(1)))
            .tcp("mqtt", MqttProtocol.NAME)
            .websocket("ws", MqttProtocol.NAME)
            .build();

    private final List<MqttClient> clients = new ArrayList<>();

    /** A received message with the topic it came on. */
    record Received(String topic, String payload, int qos, boolean retained, boolean duplicate) { }

    @AfterEach
    void stop() throws MqttException {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnectForcibly(0, 1000, false);
            }
            c.close(true);
        }
    }

    private MqttClient client(String uri, String id) throws MqttException {
        MqttClient c = new MqttClient(uri, id, new MemoryPersistence());
        clients.add(c);
        return c;
    }

    private static MqttConnectOptions options(String user, String password, boolean clean, int version) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName(user);
        o.setPassword(password.toCharArray());
        o.setCleanSession(clean);
        o.setMqttVersion(version);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(15);
        return o;
    }

    private MqttClient connected(String id, boolean clean) throws MqttException {
        MqttClient c = client("tcp://127.0.0.1:" + broker.port("mqtt"), id);
        c.connect(options("guest", "guest", clean, MqttConnectOptions.MQTT_VERSION_3_1_1));
        return c;
    }

    private static BlockingQueue<Received> subscribe(MqttClient c, String filter, int qos) throws MqttException {
        BlockingQueue<Received> q = new LinkedBlockingQueue<>();
        c.subscribe(filter, qos, (topic, m) -> q.add(received(topic, m)));
        return q;
    }

    private static Received received(String topic, MqttMessage m) {
        return new Received(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getQos(), m.isRetained(),
                m.isDuplicate());
    }

    private static Received next(BlockingQueue<Received> q) throws InterruptedException {
        Received r = q.poll(15, TimeUnit.SECONDS);
        assertThat(r).as("a message within 15 s").isNotNull();
        return r;
    }

    @ParameterizedTest(name = "MQTT protocol version {0}")
    @ValueSource(ints = {MqttConnectOptions.MQTT_VERSION_3_1, MqttConnectOptions.MQTT_VERSION_3_1_1})
    void publishesAtEveryQosReachSubscribers(int version) throws Exception {
        MqttClient sub = client("tcp://127.0.0.1:" + broker.port("mqtt"), "sub-" + version);
        sub.connect(options("guest", "guest", true, version));
        BlockingQueue<Received> got = subscribe(sub, "qos/#", 2);
        MqttClient pub = client("tcp://127.0.0.1:" + broker.port("mqtt"), "pub-" + version);
        pub.connect(options("guest", "guest", true, version));
        for (int qos = 0; qos <= 2; qos++) {
            pub.publish("qos/" + qos, ("at qos " + qos).getBytes(StandardCharsets.UTF_8), qos, false);
        }
        for (int qos = 0; qos <= 2; qos++) {
            Received r = next(got);
            assertThat(r).isEqualTo(new Received("qos/" + qos, "at qos " + qos, qos, false, false));
        }
    }

    @Test
    void deliveryQosIsTheLowerOfPublishedAndGranted() throws Exception {
        MqttClient sub = connected("sub", true);
        BlockingQueue<Received> got = subscribe(sub, "downgrade", 1);
        connected("pub", true).publish("downgrade", "x".getBytes(StandardCharsets.UTF_8), 2, false);
        assertThat(next(got).qos()).isEqualTo(1);
    }

    @Test
    void wildcardsMatchLevelsAndSkipDollarTopics() throws Exception {
        MqttClient sub = connected("wild", true);
        BlockingQueue<Received> plus = subscribe(sub, "sport/+/score", 1);
        MqttClient sub2 = connected("wild2", true);
        BlockingQueue<Received> hash = subscribe(sub2, "#", 1);
        MqttClient pub = connected("pub", true);
        for (String topic : List.of("sport/tennis/score", "sport/tennis/player/score", "sport/score",
                "sport/golf/score", "other/x.y")) {
            pub.publish(topic, topic.getBytes(StandardCharsets.UTF_8), 1, false);
        }
        assertThat(next(plus).topic()).isEqualTo("sport/tennis/score");
        assertThat(next(plus).topic()).isEqualTo("sport/golf/score");
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            all.add(next(hash).topic());
        }
        // dots inside a level survive the mapping to core routing keys and back
        assertThat(all).containsExactly("sport/tennis/score", "sport/tennis/player/score", "sport/score",
                "sport/golf/score", "other/x.y");
        // $SYS topics are published every second, and "#" never sees them; the retained value a new subscriber
        // gets first may be from before these three clients connected, so wait for a fresh one
        BlockingQueue<Received> sys = subscribe(sub, "$SYS/broker/clients/connected", 0);
        int connected = Integer.parseInt(next(sys).payload());
        for (int i = 0; i < 10 && connected < 3; i++) {
            connected = Integer.parseInt(next(sys).payload());
        }
        assertThat(connected).isGreaterThanOrEqualTo(3);
        pub.publish("sport/last/score", "end".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(next(hash).topic()).isEqualTo("sport/last/score");
        assertThat(next(plus).topic()).isEqualTo("sport/last/score");
    }

    @Test
    void retainedMessagesGoToNewSubscribersUntilCleared() throws Exception {
        MqttClient pub = connected("pub", true);
        pub.publish("status/a", "a is up".getBytes(StandardCharsets.UTF_8), 1, true);
        pub.publish("status/b", "b is up".getBytes(StandardCharsets.UTF_8), 1, true);
        pub.publish("status/a", "a is still up".getBytes(StandardCharsets.UTF_8), 1, true);

        MqttClient sub = connected("sub", true);
        BlockingQueue<Received> got = subscribe(sub, "status/+", 1);
        List<Received> retained = List.of(next(got), next(got));
        assertThat(retained).extracting(Received::payload).containsExactlyInAnyOrder("a is still up", "b is up");
        assertThat(retained).allMatch(Received::retained);
        // a live publish reaches an existing subscriber without the retain flag
        pub.publish("status/a", "a is down".getBytes(StandardCharsets.UTF_8), 1, true);
        Received live = next(got);
        assertThat(live.payload()).isEqualTo("a is down");
        assertThat(live.retained()).isFalse();

        pub.publish("status/a", new byte[0], 1, true); // clears status/a
        assertThat(next(got).payload()).isEmpty();
        MqttClient late = connected("late", true);
        BlockingQueue<Received> lateGot = subscribe(late, "status/+", 1);
        assertThat(next(lateGot).payload()).isEqualTo("b is up");
        late.publish("status/marker", "marker".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(next(lateGot).payload()).isEqualTo("marker"); // nothing retained for status/a came first
    }

    @Test
    void persistentSessionKeepsMessagesWhileOffline() throws Exception {
        MqttClient sub = connected("keeper", false);
        subscribe(sub, "offline/#", 1);
        sub.disconnect();

        MqttClient pub = connected("pub", true);
        for (int i = 0; i < 5; i++) {
            pub.publish("offline/" + i, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        pub.publish("offline/qos0", "not kept? kept too".getBytes(StandardCharsets.UTF_8), 0, false);

        BlockingQueue<Received> got = new LinkedBlockingQueue<>();
        MqttClient again = client("tcp://127.0.0.1:" + broker.port("mqtt"), "keeper");
        again.setCallback(new Callback(got));
        IMqttToken token = again.connectWithResult(options("guest", "guest", false, MqttConnectOptions.MQTT_VERSION_3_1_1));
        assertThat(token.getSessionPresent()).isTrue();
        for (int i = 0; i < 5; i++) {
            Received r = next(got);
            assertThat(r.topic()).isEqualTo("offline/" + i);
            assertThat(r.payload()).isEqualTo("m" + i);
        }
        assertThat(next(got).topic()).isEqualTo("offline/qos0");
    }

    @Test
    void cleanSessionDiscardsThePreviousOne() throws Exception {
        MqttClient sub = connected("cleaner", false);
        subscribe(sub, "gone/#", 1);
        sub.disconnect();
        connected("pub", true).publish("gone/1", "x".getBytes(StandardCharsets.UTF_8), 1, false);
        MqttClient again = client("tcp://127.0.0.1:" + broker.port("mqtt"), "cleaner");
        IMqttToken token = again.connectWithResult(options("guest", "guest", true, MqttConnectOptions.MQTT_VERSION_3_1_1));
        assertThat(token.getSessionPresent()).isFalse();
        await().untilAsserted(() -> assertThat(broker.broker().vhost("/").queue("mqtt-subscription-cleaner")).isNull());
    }

    @Test
    void willIsPublishedWhenTheConnectionDropsButNotAfterDisconnect() throws Exception {
        MqttClient watcher = connected("watcher", true);
        BlockingQueue<Received> wills = subscribe(watcher, "wills/#", 1);

        MqttClient polite = client("tcp://127.0.0.1:" + broker.port("mqtt"), "polite");
        MqttConnectOptions o = options("guest", "guest", true, MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setWill("wills/polite", "polite died".getBytes(StandardCharsets.UTF_8), 1, false);
        polite.connect(o);
        polite.disconnect();

        MqttClient rude = client("tcp://127.0.0.1:" + broker.port("mqtt"), "rude");
        MqttConnectOptions r = options("guest", "guest", true, MqttConnectOptions.MQTT_VERSION_3_1_1);
        r.setWill("wills/rude", "rude died".getBytes(StandardCharsets.UTF_8), 1, true);
        rude.connect(r);
        rude.disconnectForcibly(0, 1000, false); // the socket closes without DISCONNECT

        Received will = next(wills);
        assertThat(will).isEqualTo(new Received("wills/rude", "rude died", 1, false, false));
        // retained, as the will asked
        MqttClient late = connected("late", true);
        Received retained = next(subscribe(late, "wills/rude", 1));
        assertThat(retained.retained()).isTrue();
        assertThat(retained.payload()).isEqualTo("rude died");
    }

    @Test
    void sameClientIdTakesOverTheSession() throws Exception {
        MqttClient first = connected("twin", false);
        BlockingQueue<Throwable> lost = new LinkedBlockingQueue<>();
        first.setCallback(new Callback(new LinkedBlockingQueue<>()) {
            @Override
            public void connectionLost(Throwable cause) {
                lost.add(cause);
            }
        });
        subscribe(first, "twin/#", 1);
        MqttClient second = client("tcp://127.0.0.1:" + broker.port("mqtt"), "twin");
        BlockingQueue<Received> got = new LinkedBlockingQueue<>();
        second.setCallback(new Callback(got));
        IMqttToken t = second.connectWithResult(options("guest", "guest", false, MqttConnectOptions.MQTT_VERSION_3_1_1));
        assertThat(t.getSessionPresent()).isTrue();
        assertThat(lost.poll(15, TimeUnit.SECONDS)).isNotNull();
        connected("pub", true).publish("twin/x", "to the new one".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(next(got).payload()).isEqualTo("to the new one");
    }

    @Test
    void permissionsApplyPerTopic() throws Exception {
        MqttClient limited = client("tcp://127.0.0.1:" + broker.port("mqtt"), "limited");
        limited.connect(options("limited", "secret", true, MqttConnectOptions.MQTT_VERSION_3_1_1));
        assertThatThrownBy(() -> limited.subscribe("forbidden/#", 1))
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode()).isEqualTo(128));
        BlockingQueue<Received> allowed = subscribe(limited, "allowed/#", 1);

        MqttClient admin = connected("admin-watch", true);
        BlockingQueue<Received> everything = subscribe(admin, "#", 1);
        // MQTT 3 cannot refuse a publish: the forbidden one is acknowledged and dropped
        limited.publish("forbidden/x", "nope".getBytes(StandardCharsets.UTF_8), 1, false);
        limited.publish("allowed/x", "yes".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(next(everything)).isEqualTo(new Received("allowed/x", "yes", 1, false, false));
        assertThat(next(allowed).payload()).isEqualTo("yes");
        assertThat(limited.isConnected()).isTrue();
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        MqttClient c = client("tcp://127.0.0.1:" + broker.port("mqtt"), "intruder");
        assertThatThrownBy(() -> c.connect(options("guest", "wrong", true, MqttConnectOptions.MQTT_VERSION_3_1_1)))
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
                        .isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION));
    }

    @Test
    void worksOverWebSocket() throws Exception {
        MqttClient sub = client("ws://127.0.0.1:" + broker.port("ws") + "/mqtt", "ws-sub");
        sub.connect(options("guest", "guest", true, MqttConnectOptions.MQTT_VERSION_3_1_1));
        BlockingQueue<Received> got = subscribe(sub, "ws/#", 2);
        MqttClient pub = client("ws://127.0.0.1:" + broker.port("ws") + "/mqtt", "ws-pub");
        pub.connect(options("guest", "guest", true, MqttConnectOptions.MQTT_VERSION_3_1_1));
        pub.publish("ws/hello", "over websocket".getBytes(StandardCharsets.UTF_8), 2, false);
        assertThat(next(got)).isEqualTo(new Received("ws/hello", "over websocket", 2, false, false));
    }

    @Test
    void unsubscribeStopsDelivery() throws Exception {
        MqttClient sub = connected("unsub", true);
        BlockingQueue<Received> a = subscribe(sub, "u/a", 1);
        BlockingQueue<Received> b = subscribe(sub, "u/b", 1);
        sub.unsubscribe("u/a");
        MqttClient pub = connected("pub", true);
        pub.publish("u/a", "dropped".getBytes(StandardCharsets.UTF_8), 1, false);
        pub.publish("u/b", "kept".getBytes(StandardCharsets.UTF_8), 1, false);
        // both would come through the session's one queue, in order: u/a first if it came at all
        assertThat(next(b).payload()).isEqualTo("kept");
        assertThat(a).isEmpty();
    }

    /** Collects messages that arrive for a session's earlier subscriptions. */
    private static class Callback implements org.eclipse.paho.client.mqttv3.MqttCallback {
        private final BlockingQueue<Received> into;

        Callback(BlockingQueue<Received> into) {
            this.into = into;
        }

        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            into.add(received(topic, message));
        }

        @Override
        public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
        }
    }
}
