package io.ferrymq.mqtt;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** MQTT 5 features with Eclipse Paho's v5 client. */
class PahoMqtt5Test {

    private static final long WAIT = 15_000;

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new MqttProtocol(b, MqttSettings.defaults().withMaxKeepAliveSeconds(120)))
            .tcp("mqtt", MqttProtocol.NAME)
            .websocket("ws", MqttProtocol.NAME)
            .build();

    private final List<MqttAsyncClient> clients = new ArrayList<>();

    record Received(String topic, MqttMessage message) {
        String payload() {
            return new String(message.getPayload(), StandardCharsets.UTF_8);
        }
    }

    @AfterEach
    void stop() throws MqttException {
        for (MqttAsyncClient c : clients) {
            if (c.isConnected()) {
                c.disconnectForcibly(0, 1000, false);
            }
            c.close(true);
        }
    }

    /** A client whose messages (for any subscription, old or new) land in {@code into}. */
    private MqttAsyncClient client(String id, BlockingQueue<Received> into) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient("tcp://127.0.0.1:" + broker.port("mqtt"), id, new MemoryPersistence());
        c.setCallback(new Collector(into));
        clients.add(c);
        return c;
    }

    private static MqttConnectionOptions options(String user, String password) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(user);
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(15);
        o.setCleanStart(true);
        return o;
    }

    private static MqttConnectionOptions options() {
        return options("guest", "guest");
    }

    private static IMqttToken connect(MqttAsyncClient c, MqttConnectionOptions o) throws MqttException {
        IMqttToken t = c.connect(o);
        t.waitForCompletion(WAIT);
        return t;
    }

    private static int[] subscribe(MqttAsyncClient c, MqttSubscription s, MqttProperties props) throws MqttException {
        IMqttToken t = c.subscribe(new MqttSubscription[] {s}, null, null, props == null ? new MqttProperties() : props);
        t.waitForCompletion(WAIT);
        return t.getReasonCodes();
    }

    private static int[] subscribe(MqttAsyncClient c, String filter, int qos) throws MqttException {
        return subscribe(c, new MqttSubscription(filter, qos), null);
    }

    private static int[] publish(MqttAsyncClient c, String topic, String payload, int qos, MqttProperties props,
                                 boolean retain) throws MqttException {
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), qos, retain,
                props == null ? new MqttProperties() : props);
        IMqttToken t = c.publish(topic, m);
        t.waitForCompletion(WAIT);
        return t.getReasonCodes();
    }

    private static Received next(BlockingQueue<Received> q) throws InterruptedException {
        Received r = q.poll(WAIT, TimeUnit.MILLISECONDS);
        assertThat(r).as("a message within 15 s").isNotNull();
        return r;
    }

    @Test
    void propertiesTravelWithTheMessage() throws Exception {
        BlockingQueue<Received> got = new LinkedBlockingQueue<>();
        MqttAsyncClient sub = client("props-sub", got);
        connect(sub, options());
        subscribe(sub, "props/#", 1);
        MqttAsyncClient pub = client("props-pub", new LinkedBlockingQueue<>());
        connect(pub, options());

        MqttProperties p = new MqttProperties();
        p.setUserProperties(List.of(new UserProperty("region", "eu-west"), new UserProperty("trace", "abc")));
        p.setContentType("application/json");
        p.setPayloadFormat(true);
        p.setMessageExpiryInterval(300L);
        publish(pub, "props/json", "{\"a\":1}", 1, p, false);

        Received r = next(got);
        MqttProperties rp = r.message().getProperties();
        assertThat(r.payload()).isEqualTo("{\"a\":1}");
        assertThat(rp.getUserProperties()).extracting(UserProperty::getKey, UserProperty::getValue)
                .contains(org.assertj.core.groups.Tuple.tuple("region", "eu-west"),
                        org.assertj.core.groups.Tuple.tuple("trace", "abc"));
        assertThat(rp.getContentType()).isEqualTo("application/json");
        assertThat(rp.getPayloadFormat()).isTrue();
        assertThat(rp.getMessageExpiryInterval()).isBetween(1L, 300L);
    }

    @Test
    void requestResponseWithResponseTopicAndCorrelationData() throws Exception {
        BlockingQueue<Received> requests = new LinkedBlockingQueue<>();
        MqttAsyncClient responder = client("responder", requests);
        connect(responder, options());
        subscribe(responder, "service/requests", 1);

        BlockingQueue<Received> replies = new LinkedBlockingQueue<>();
        MqttAsyncClient requester = client("requester", replies);
        connect(requester, options());
        subscribe(requester, "clients/requester/replies", 1);
        byte[] correlation = {0, 1, 2, (byte) 0xFF};
        MqttProperties req = new MqttProperties();
        req.setResponseTopic("clients/requester/replies");
        req.setCorrelationData(correlation);
        publish(requester, "service/requests", "ping", 1, req, false);

        Received request = next(requests);
        MqttProperties answer = new MqttProperties();
        answer.setCorrelationData(request.message().getProperties().getCorrelationData());
        publish(responder, request.message().getProperties().getResponseTopic(), "echo " + request.payload(), 1,
                answer, false);

        Received reply = next(replies);
        assertThat(reply.payload()).isEqualTo("echo ping");
        assertThat(reply.message().getProperties().getCorrelationData()).isEqualTo(correlation);
    }

    @Test
    void expiredMessagesAreNotDeliveredToAReturningSession() throws Exception {
        BlockingQueue<Received> got = new LinkedBlockingQueue<>();
        MqttAsyncClient sub = client("expiring", got);
        MqttConnectionOptions o = options();
        o.setSessionExpiryInterval(600L);
        connect(sub, o);
        subscribe(sub, "expiry/#", 1);
        sub.disconnect().waitForCompletion(WAIT);

        MqttAsyncClient pub = client("expiry-pub", new LinkedBlockingQueue<>());
        connect(pub, options());
        MqttProperties shortLived = new MqttProperties();
        shortLived.setMessageExpiryInterval(1L);
        publish(pub, "expiry/short", "gone", 1, shortLived, false);
        MqttProperties longLived = new MqttProperties();
        longLived.setMessageExpiryInterval(3600L);
        publish(pub, "expiry/long", "kept", 1, longLived, false);
        // The expiry interval is a time the message must outlive: let it pass.
        long deadline = System.currentTimeMillis() + 1100;
        await().until(() -> System.currentTimeMillis() > deadline);

        o.setCleanStart(false);
        assertThat(connect(sub, o).getSessionPresent()).isTrue();
        Received r = next(got);
        assertThat(r.payload()).isEqualTo("kept");
        assertThat(r.message().getProperties().getMessageExpiryInterval()).isBetween(3500L, 3600L);
        publish(pub, "expiry/marker", "marker", 1, null, false);
        assertThat(next(got).payload()).isEqualTo("marker");
    }

    @Test
    void sessionExpiresAfterItsInterval() throws Exception {
        MqttAsyncClient c = client("short-session", new LinkedBlockingQueue<>());
        MqttConnectionOptions o = options();
        o.setSessionExpiryInterval(1L);
        connect(c, o);
        subscribe(c, "short/#", 1);
        c.disconnect().waitForCompletion(WAIT);
        await().atMost(15, TimeUnit.SECONDS)
                .until(() -> broker.broker().vhost("/").queue("mqtt-subscription-short-session") == null);
        o.setCleanStart(false);
        assertThat(connect(c, o).getSessionPresent()).isFalse();
        c.disconnect().waitForCompletion(WAIT);

        // and one that does not expire is there on return
        o.setCleanStart(true);
        o.setSessionExpiryInterval(600L);
        connect(c, o);
        subscribe(c, "long/#", 1);
        c.disconnect().waitForCompletion(WAIT);
        o.setCleanStart(false);
        assertThat(connect(c, o).getSessionPresent()).isTrue();
    }

    @Test
    void sessionExpiryCanBeShortenedAtDisconnect() throws Exception {
        MqttAsyncClient c = client("shortened", new LinkedBlockingQueue<>());
        MqttConnectionOptions o = options();
        o.setSessionExpiryInterval(600L);
        connect(c, o);
        subscribe(c, "x/#", 1);
        MqttProperties bye = new MqttProperties();
        bye.setSessionExpiryInterval(0L);
        c.disconnect(WAIT, null, null, 0, bye).waitForCompletion(WAIT);
        await().until(() -> broker.broker().vhost("/").queue("mqtt-subscription-shortened") == null);
        o.setCleanStart(false);
        assertThat(connect(c, o).getSessionPresent()).isFalse();
    }

    @Test
    void sharedSubscriptionSpreadsMessagesOverTheGroup() throws Exception {
        BlockingQueue<Received> first = new LinkedBlockingQueue<>();
        BlockingQueue<Received> second = new LinkedBlockingQueue<>();
        MqttAsyncClient a = client("worker-a", first);
        MqttAsyncClient b = client("worker-b", second);
        connect(a, options());
        connect(b, options());
        subscribe(a, "$share/workers/jobs/#", 1);
        subscribe(b, "$share/workers/jobs/#", 1);
        BlockingQueue<Received> plain = new LinkedBlockingQueue<>();
        MqttAsyncClient observer = client("observer", plain);
        connect(observer, options());
        subscribe(observer, "jobs/#", 1);

        MqttAsyncClient pub = client("jobs-pub", new LinkedBlockingQueue<>());
        connect(pub, options());
        for (int i = 0; i < 100; i++) {
            publish(pub, "jobs/" + (i % 3), "job " + i, 1, null, false);
        }
        for (int i = 0; i < 100; i++) {
            next(plain); // an ordinary subscription still gets every message
        }
        await().until(() -> first.size() + second.size() == 100);
        Set<String> all = new HashSet<>();
        first.forEach(r -> all.add(r.payload()));
        second.forEach(r -> all.add(r.payload()));
        assertThat(all).hasSize(100);
        assertThat(first).isNotEmpty();
        assertThat(second).isNotEmpty();

        // the group's queue goes once the last member leaves
        a.unsubscribe("$share/workers/jobs/#").waitForCompletion(WAIT);
        assertThat(broker.broker().vhost("/").queue("mqtt-shared-workers-jobs.#")).isNotNull();
        b.unsubscribe("$share/workers/jobs/#").waitForCompletion(WAIT);
        await().until(() -> broker.broker().vhost("/").queue("mqtt-shared-workers-jobs.#") == null);
    }

    @Test
    void noLocalSubscriptionsDoNotGetTheirOwnMessages() throws Exception {
        BlockingQueue<Received> own = new LinkedBlockingQueue<>();
        MqttAsyncClient chatty = client("chatty", own);
        connect(chatty, options());
        MqttSubscription s = new MqttSubscription("chat/room", 1);
        s.setNoLocal(true);
        subscribe(chatty, s, null);
        BlockingQueue<Received> others = new LinkedBlockingQueue<>();
        MqttAsyncClient listener = client("listener", others);
        connect(listener, options());
        subscribe(listener, "chat/room", 1);

        publish(chatty, "chat/room", "from chatty", 1, null, false);
        assertThat(next(others).payload()).isEqualTo("from chatty");
        publish(listener, "chat/room", "from listener", 1, null, false);
        assertThat(next(own).payload()).isEqualTo("from listener"); // chatty's own message never came first
    }

    @Test
    void subscriptionIdentifiersNameEveryMatchingSubscription() throws Exception {
        BlockingQueue<Received> got = new LinkedBlockingQueue<>();
        MqttAsyncClient c = client("ids", got);
        MqttConnectionOptions o = options();
        connect(c, o);
        MqttProperties seven = new MqttProperties();
        seven.setSubscriptionIdentifier(7);
        subscribe(c, new MqttSubscription("sensors/#", 1), seven);
        MqttProperties nine = new MqttProperties();
        nine.setSubscriptionIdentifier(9);
        subscribe(c, new MqttSubscription("sensors/+/temp", 1), nine);

        publish(c, "sensors/kitchen/temp", "21", 1, null, false);
        Received both = next(got);
        assertThat(both.message().getProperties().getSubscriptionIdentifiers()).containsExactlyInAnyOrder(7, 9);
        publish(c, "sensors/kitchen/humidity", "40", 1, null, false);
        Received one = next(got);
        assertThat(one.message().getProperties().getSubscriptionIdentifiers()).containsExactly(7);
        assertThat(got).isEmpty(); // one message per publish, however many subscriptions matched
    }

    @Test
    void retainHandlingAndRetainAsPublished() throws Exception {
        MqttAsyncClient pub = client("retainer", new LinkedBlockingQueue<>());
        connect(pub, options());
        publish(pub, "config/a", "A", 1, null, true);

        BlockingQueue<Received> never = new LinkedBlockingQueue<>();
        MqttAsyncClient c2 = client("rh2", never);
        connect(c2, options());
        MqttSubscription rh2 = new MqttSubscription("config/#", 1);
        rh2.setRetainHandling(2);
        subscribe(c2, rh2, null);

        BlockingQueue<Received> onlyNew = new LinkedBlockingQueue<>();
        MqttAsyncClient c1 = client("rh1", onlyNew);
        connect(c1, options());
        MqttSubscription rh1 = new MqttSubscription("config/#", 1);
        rh1.setRetainHandling(1);
        subscribe(c1, rh1, null);
        Received retained = next(onlyNew);
        assertThat(retained.payload()).isEqualTo("A");
        assertThat(retained.message().isRetained()).isTrue();
        subscribe(c1, rh1, null); // the same subscription again: not new, nothing resent

        BlockingQueue<Received> asPublished = new LinkedBlockingQueue<>();
        MqttAsyncClient c3 = client("rap", asPublished);
        connect(c3, options());
        MqttSubscription rap = new MqttSubscription("config/#", 1);
        rap.setRetainAsPublished(true);
        rap.setRetainHandling(2);
        subscribe(c3, rap, null);

        publish(pub, "config/b", "B", 1, null, true);
        Received live = next(asPublished);
        assertThat(live.payload()).isEqualTo("B");
        assertThat(live.message().isRetained()).isTrue(); // kept as published
        Received plain = next(onlyNew);
        assertThat(plain.payload()).isEqualTo("B");
        assertThat(plain.message().isRetained()).isFalse();
        Received first = next(never);
        assertThat(first.payload()).isEqualTo("B"); // the retained A never came before it
    }

    @Test
    void willWaitsForItsDelayAndIsCancelledByAReturningClient() throws Exception {
        BlockingQueue<Received> wills = new LinkedBlockingQueue<>();
        MqttAsyncClient watcher = client("will-watcher", wills);
        connect(watcher, options());
        subscribe(watcher, "wills/#", 1);

        // Back within the delay: no will.
        MqttAsyncClient flaky = client("flaky", new LinkedBlockingQueue<>());
        MqttConnectionOptions o = willOptions("wills/flaky", 30);
        connect(flaky, o);
        flaky.disconnectForcibly(0, 1000, false);
        await().until(() -> broker.module(MqttProtocol.class).hub().pendingWillCount() == 1);
        o.setCleanStart(false);
        connect(flaky, o);
        assertThat(broker.module(MqttProtocol.class).hub().pendingWillCount()).isZero();

        // Gone for good: the will comes after its delay.
        MqttAsyncClient gone = client("gone", new LinkedBlockingQueue<>());
        connect(gone, willOptions("wills/gone", 1));
        long dropped = System.nanoTime();
        gone.disconnectForcibly(0, 1000, false);
        Received will = next(wills);
        assertThat(will.topic()).isEqualTo("wills/gone");
        assertThat(will.payload()).isEqualTo("offline");
        assertThat(will.message().getProperties().getContentType()).isEqualTo("text/plain");
        assertThat((System.nanoTime() - dropped) / 1_000_000).isGreaterThanOrEqualTo(900);
        assertThat(wills).isEmpty(); // flaky's will never came
    }

    private static MqttConnectionOptions willOptions(String topic, long delaySeconds) {
        MqttConnectionOptions o = options();
        o.setSessionExpiryInterval(300L);
        MqttProperties willProps = new MqttProperties();
        willProps.setWillDelayInterval(delaySeconds);
        willProps.setContentType("text/plain");
        o.setWillMessageProperties(willProps);
        o.setWill(topic, new MqttMessage("offline".getBytes(StandardCharsets.UTF_8), 1, false, null));
        return o;
    }

    @Test
    void reasonCodesSayWhatHappened() throws Exception {
        MqttAsyncClient c = client("reasons", new LinkedBlockingQueue<>());
        connect(c, options());
        assertThat(publish(c, "nobody/listens", "x", 1, null, false)).containsExactly(0x10);

        MqttAsyncClient limited = client("limited", new LinkedBlockingQueue<>());
        connect(limited, options("limited", "secret"));
        assertThat(subscribe(limited, "forbidden/#", 1)).containsExactly(0x87);
        assertThat(subscribe(limited, "allowed/#", 2)).containsExactly(2);
        MqttMessage m = new MqttMessage("nope".getBytes(StandardCharsets.UTF_8), 1, false, new MqttProperties());
        IMqttToken t = limited.publish("forbidden/x", m);
        try {
            t.waitForCompletion(WAIT);
        } catch (MqttException refused) {
            // Paho reports a PUBACK with a failure reason as an exception on the token
        }
        assertThat(t.getReasonCodes()).containsExactly(0x87);
        assertThat(limited.isConnected()).isTrue();
    }

    @Test
    void connackAnnouncesServerLimitsAndKeepAlive() throws Exception {
        MqttAsyncClient c = client("limits", new LinkedBlockingQueue<>());
        MqttConnectionOptions o = options();
        o.setKeepAliveInterval(0); // "never", which the broker caps
        IMqttToken t = connect(c, o);
        MqttProperties p = t.getResponseProperties();
        assertThat(p.getServerKeepAlive()).isEqualTo(120);
        assertThat(p.getReceiveMaximum()).isEqualTo(256);
        assertThat(p.getTopicAliasMaximum()).isEqualTo(64);
        assertThat(p.getMaximumPacketSize()).isEqualTo(16L * 1024 * 1024);
    }

    @Test
    void messagesLargerThanTheClientsMaximumPacketSizeAreSkipped() throws Exception {
        BlockingQueue<Received> got = new LinkedBlockingQueue<>();
        MqttAsyncClient small = client("small", got);
        MqttConnectionOptions o = options();
        o.setMaximumPacketSize(1024L);
        connect(small, o);
        subscribe(small, "sizes/#", 1);
        MqttAsyncClient pub = client("sizes-pub", new LinkedBlockingQueue<>());
        connect(pub, options());
        publish(pub, "sizes/big", "x".repeat(4000), 1, null, false);
        publish(pub, "sizes/small", "fits", 1, null, false);
        assertThat(next(got).payload()).isEqualTo("fits");
        await().untilAsserted(() -> assertThat(broker.broker().vhost("/").queue("mqtt-subscription-small").stats().total()).isZero());
    }

    @Test
    void takenOverConnectionIsToldWhy() throws Exception {
        MqttAsyncClient first = client("taken", new LinkedBlockingQueue<>());
        BlockingQueue<Integer> reasons = new LinkedBlockingQueue<>();
        first.setCallback(new Collector(new LinkedBlockingQueue<>()) {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                reasons.add(response.getReturnCode());
            }
        });
        connect(first, options());
        MqttAsyncClient second = client("taken", new LinkedBlockingQueue<>());
        connect(second, options());
        assertThat(reasons.poll(WAIT, TimeUnit.MILLISECONDS)).isEqualTo(0x8E);
    }

    /** Collects every message the client receives. */
    private static class Collector implements MqttCallback {
        private final BlockingQueue<Received> into;

        Collector(BlockingQueue<Received> into) {
            this.into = into;
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            into.add(new Received(topic, message));
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
