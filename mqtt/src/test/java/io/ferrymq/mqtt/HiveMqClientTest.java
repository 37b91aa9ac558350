package io.ferrymq.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3Connect;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import io.netty.handler.codec.mqtt.MqttMessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** MQTT 5 and 3.1.1 with the HiveMQ MQTT client (its async API), over TCP and WebSocket. */
class HiveMqClientTest {

    private static final long WAIT = 15;

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new MqttProtocol(b, MqttSettings.defaults()))
            .tcp("mqtt", MqttProtocol.NAME)
            .websocket("ws", MqttProtocol.NAME)
            .build();

    private final List<Mqtt5AsyncClient> v5Clients = new ArrayList<>();
    private final List<Mqtt3AsyncClient> v3Clients = new ArrayList<>();
    private final List<MqttWireTap> taps = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Mqtt5AsyncClient c : v5Clients) {
            if (c.getState().isConnected()) {
                c.disconnect().handle((v, t) -> null).orTimeout(5, TimeUnit.SECONDS).join();
            }
        }
        for (Mqtt3AsyncClient c : v3Clients) {
            if (c.getState().isConnected()) {
                c.disconnect().handle((v, t) -> null).orTimeout(5, TimeUnit.SECONDS).join();
            }
        }
        for (MqttWireTap t : taps) {
            t.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    private Mqtt5AsyncClient v5(String id) {
        return v5(id, broker.port("mqtt"));
    }

    private Mqtt5AsyncClient v5(String id, int port) {
        return track(Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port));
    }

    private Mqtt5AsyncClient track(Mqtt5ClientBuilder b) {
        Mqtt5AsyncClient c = b.buildAsync();
        v5Clients.add(c);
        return c;
    }

    private Mqtt3AsyncClient v3(String id) {
        return v3(id, broker.port("mqtt"));
    }

    private Mqtt3AsyncClient v3(String id, int port) {
        Mqtt3AsyncClient c = Mqtt3Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port).buildAsync();
        v3Clients.add(c);
        return c;
    }

    private MqttWireTap tap() throws IOException {
        MqttWireTap t = new MqttWireTap(broker.port("mqtt"));
        taps.add(t);
        return t;
    }

    private int wsPort() {
        return broker.port("ws");
    }

    private static Mqtt5ConnectBuilder login(String user, String password) {
        return Mqtt5Connect.builder().simpleAuth().username(user)
                .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
    }

    private static Mqtt5ConnectBuilder login() {
        return login("guest", "guest");
    }

    private static Mqtt3ConnectBuilder login3(String user, String password) {
        return Mqtt3Connect.builder().simpleAuth().username(user)
                .password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
    }

    private static Mqtt5ConnAck connect(Mqtt5AsyncClient c, Mqtt5ConnectBuilder b) {
        return get(c.connect(b.build()));
    }

    private static Mqtt5ConnAck connect(Mqtt5AsyncClient c) {
        return connect(c, login());
    }

    private static Mqtt3ConnAck connect3(Mqtt3AsyncClient c, Mqtt3ConnectBuilder b) {
        return get(c.connect(b.build()));
    }

    private static Mqtt3ConnAck connect3(Mqtt3AsyncClient c) {
        return connect3(c, login3("guest", "guest"));
    }

    private static <T> T get(CompletableFuture<T> f) {
        try {
            return f.get(WAIT, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + WAIT + " s", e);
        }
    }

    /** Every message the client receives, whichever subscription (old or new) it matched. */
    private static BlockingQueue<Mqtt5Publish> collect(Mqtt5AsyncClient c) {
        BlockingQueue<Mqtt5Publish> q = new LinkedBlockingQueue<>();
        c.publishes(MqttGlobalPublishFilter.ALL, q::add);
        return q;
    }

    private static BlockingQueue<Mqtt3Publish> collect3(Mqtt3AsyncClient c) {
        BlockingQueue<Mqtt3Publish> q = new LinkedBlockingQueue<>();
        c.publishes(MqttGlobalPublishFilter.ALL, q::add);
        return q;
    }

    private static Mqtt5SubAck subscribe(Mqtt5AsyncClient c, String filter, MqttQos qos) {
        return get(c.subscribeWith().topicFilter(filter).qos(qos).send());
    }

    private static Mqtt5PublishResult publish(Mqtt5AsyncClient c, String topic, String payload, MqttQos qos) {
        Mqtt5PublishResult r = get(c.publishWith().topic(topic).payload(utf8(payload)).qos(qos).send());
        assertThat(r.getError()).isEmpty();
        return r;
    }

    private static void publish3(Mqtt3AsyncClient c, String topic, String payload, MqttQos qos, boolean retain) {
        get(c.publishWith().topic(topic).payload(utf8(payload)).qos(qos).retain(retain).send());
    }

    private static <T> T next(BlockingQueue<T> q) {
        try {
            T m = q.poll(WAIT, TimeUnit.SECONDS);
            assertThat(m).as("a message within %d s", WAIT).isNotNull();
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Mqtt5Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static String text(Mqtt3Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private Queue sessionQueue(String clientId) {
        return broker.broker().vhost("/").queue("mqtt-subscription-" + clientId);
    }

    // ------------------------------------------------------------------ QoS

    @ParameterizedTest
    @EnumSource(MqttQos.class)
    void roundTripAtEveryQosWithMqtt5(MqttQos qos) {
        Mqtt5AsyncClient sub = v5("rt5-sub");
        BlockingQueue<Mqtt5Publish> got = collect(sub);
        connect(sub);
        assertThat(subscribe(sub, "rt5/#", qos).getReasonCodes()).containsExactly(grantedFor(qos));
        Mqtt5AsyncClient pub = v5("rt5-pub");
        connect(pub);

        for (int i = 0; i < 5; i++) {
            Mqtt5PublishResult r = publish(pub, "rt5/" + qos, "m" + i, qos);
            if (r instanceof Mqtt5PublishResult.Mqtt5Qos1Result q1) {
                assertThat(q1.getPubAck().getReasonCode().isError()).isFalse();
            } else if (r instanceof Mqtt5PublishResult.Mqtt5Qos2Result q2) {
                assertThat(q2.getPubRec().getReasonCode().isError()).isFalse();
            }
        }
        for (int i = 0; i < 5; i++) {
            Mqtt5Publish m = next(got);
            assertThat(text(m)).isEqualTo("m" + i);
            assertThat(m.getTopic().toString()).isEqualTo("rt5/" + qos);
            assertThat(m.getQos()).isEqualTo(qos);
        }
    }

    private static Mqtt5SubAckReasonCode grantedFor(MqttQos qos) {
        return switch (qos) {
            case AT_MOST_ONCE -> Mqtt5SubAckReasonCode.GRANTED_QOS_0;
            case AT_LEAST_ONCE -> Mqtt5SubAckReasonCode.GRANTED_QOS_1;
            case EXACTLY_ONCE -> Mqtt5SubAckReasonCode.GRANTED_QOS_2;
        };
    }

    @ParameterizedTest
    @EnumSource(MqttQos.class)
    void roundTripAtEveryQosWithMqtt311(MqttQos qos) {
        Mqtt3AsyncClient sub = v3("rt3-sub");
        BlockingQueue<Mqtt3Publish> got = collect3(sub);
        connect3(sub);
        assertThat(get(sub.subscribeWith().topicFilter("rt3/+").qos(qos).send()).getReturnCodes())
                .containsExactly(Mqtt3SubAckReturnCode.values()[qos.getCode()]);
        Mqtt3AsyncClient pub = v3("rt3-pub");
        connect3(pub);

        for (int i = 0; i < 5; i++) {
            publish3(pub, "rt3/" + qos, "m" + i, qos, false);
        }
        for (int i = 0; i < 5; i++) {
            Mqtt3Publish m = next(got);
            assertThat(text(m)).isEqualTo("m" + i);
            assertThat(m.getQos()).isEqualTo(qos);
        }
    }

    /**
     * The client's PUBRECs are lost with the connection: on its return the broker resends the publishes
     * (DUP, same packet ids), the client recognises them, and the application sees each exactly once.
     */
    @Test
    void qos2DeliveryToAPersistentSessionIsExactlyOnceAcrossAConnectionLoss() throws IOException {
        MqttWireTap tap = tap();
        Mqtt5AsyncClient sub = v5("q2-sub", tap.port());
        BlockingQueue<Mqtt5Publish> got = collect(sub);
        Mqtt5ConnectBuilder session = login().sessionExpiryInterval(300);
        connect(sub, session.cleanStart(true));
        subscribe(sub, "q2/#", MqttQos.EXACTLY_ONCE);
        Mqtt5AsyncClient pub = v5("q2-pub");
        connect(pub);

        tap.holdFromClient = true; // the PUBRECs never reach the broker
        for (int i = 1; i <= 3; i++) {
            publish(pub, "q2/x", "m" + i, MqttQos.EXACTLY_ONCE);
        }
        for (int i = 1; i <= 3; i++) {
            assertThat(text(next(got))).isEqualTo("m" + i);
        }
        await().atMost(WAIT, TimeUnit.SECONDS).until(() -> count(tap.fromClient, MqttMessageType.PUBREC) == 3);
        List<Integer> firstIds = tap.publishesFromBroker().stream().map(MqttWireTap.Packet::packetId).toList();
        tap.sever();
        await().atMost(WAIT, TimeUnit.SECONDS).until(() -> !sub.getState().isConnected());
        tap.holdFromClient = false;

        assertThat(connect(sub, session.cleanStart(false)).isSessionPresent()).isTrue();
        await().atMost(WAIT, TimeUnit.SECONDS).until(() -> count(tap.fromClient, MqttMessageType.PUBCOMP) == 3);
        List<MqttWireTap.Packet> resent = tap.publishesFromBroker().subList(3, tap.publishesFromBroker().size());
        assertThat(resent).extracting(MqttWireTap.Packet::packetId).containsExactlyElementsOf(firstIds);
        assertThat(resent).allMatch(MqttWireTap.Packet::dup);
        await().atMost(WAIT, TimeUnit.SECONDS).until(() -> sessionQueue("q2-sub").stats().total() == 0);

        publish(pub, "q2/x", "after", MqttQos.EXACTLY_ONCE);
        assertThat(text(next(got))).isEqualTo("after"); // no second copy of m1..m3 came first
    }

    /**
     * The broker's PUBREC is lost with the connection: the client resends the publish with DUP on its
     * return, and the broker, which kept the packet id in the session, does not route it a second time.
     */
    @Test
    void qos2PublishFromAPersistentSessionIsExactlyOnceAcrossAConnectionLoss() throws IOException {
        Mqtt5AsyncClient sub = v5("q2in-sub");
        BlockingQueue<Mqtt5Publish> got = collect(sub);
        connect(sub);
        subscribe(sub, "q2in/#", MqttQos.EXACTLY_ONCE);

        MqttWireTap tap = tap();
        Mqtt5AsyncClient pub = v5("q2in-pub", tap.port());
        Mqtt5ConnectBuilder session = login().sessionExpiryInterval(300);
        connect(pub, session.cleanStart(true));
        tap.holdFromBroker = true; // the PUBREC never reaches the client
        CompletableFuture<Mqtt5PublishResult> pending = pub.publishWith().topic("q2in/x").payload(utf8("once"))
                .qos(MqttQos.EXACTLY_ONCE).send();
        assertThat(text(next(got))).isEqualTo("once");
        await().atMost(WAIT, TimeUnit.SECONDS).until(() -> count(tap.fromBroker, MqttMessageType.PUBREC) == 1);
        tap.sever();
        await().atMost(WAIT, TimeUnit.SECONDS).until(() -> !pub.getState().isConnected());
        tap.holdFromBroker = false;

        assertThat(connect(pub, session.cleanStart(false)).isSessionPresent()).isTrue();
        assertThat(get(pending).getError()).isEmpty();
        List<MqttWireTap.Packet> sent = tap.publishesFromClient();
        assertThat(sent).hasSize(2); // the original and the resend
        assertThat(sent.get(1).dup()).isTrue();
        assertThat(sent.get(1).packetId()).isEqualTo(sent.get(0).packetId());
        publish(pub, "q2in/x", "after", MqttQos.EXACTLY_ONCE);
        assertThat(text(next(got))).isEqualTo("after"); // "once" was not routed twice
    }

    @Test
    void qos2ToAnOfflinePersistentSessionWithMqtt311() {
        Mqtt3AsyncClient sub = v3("q2v3-sub");
        BlockingQueue<Mqtt3Publish> got = collect3(sub);
        connect3(sub, login3("guest", "guest").cleanSession(false));
        get(sub.subscribeWith().topicFilter("q2v3/#").qos(MqttQos.EXACTLY_ONCE).send());
        get(sub.disconnect());

        Mqtt3AsyncClient pub = v3("q2v3-pub");
        connect3(pub);
        for (int i = 1; i <= 3; i++) {
            publish3(pub, "q2v3/x", "m" + i, MqttQos.EXACTLY_ONCE, false);
        }
        await().atMost(WAIT, TimeUnit.SECONDS).until(() -> sessionQueue("q2v3-sub").stats().total() == 3);

        assertThat(connect3(sub, login3("guest", "guest").cleanSession(false)).isSessionPresent()).isTrue();
        for (int i = 1; i <= 3; i++) {
            Mqtt3Publish m = next(got);
            assertThat(text(m)).isEqualTo("m" + i);
            assertThat(m.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
        }
        await().atMost(WAIT, TimeUnit.SECONDS).until(() -> sessionQueue("q2v3-sub").stats().total() == 0);
        publish3(pub, "q2v3/x", "after", MqttQos.EXACTLY_ONCE, false);
        assertThat(text(next(got))).isEqualTo("after");
    }

    private static long count(java.util.Queue<MqttWireTap.Packet> packets, MqttMessageType type) {
        return packets.stream().filter(p -> p.type() == type).count();
    }

    // ------------------------------------------------------------------ MQTT 5 features

    @Test
    void topicAliasesAreUsedInBothDirections() throws IOException {
        MqttWireTap tap = tap();
        String topic = "alias/a/rather/long/topic/name/that/is/worth/an/alias";
        Mqtt5AsyncClient sub = v5("alias-sub", tap.port());
        BlockingQueue<Mqtt5Publish> got = collect(sub);
        connect(sub, login().restrictions().topicAliasMaximum(8).applyRestrictions());
        subscribe(sub, "alias/#", MqttQos.AT_LEAST_ONCE);
        Mqtt5AsyncClient pub = v5("alias-pub", tap.port());
        Mqtt5ConnAck ack = connect(pub, login().restrictions().sendTopicAliasMaximum(8).applyRestrictions());
        assertThat(ack.getRestrictions().getTopicAliasMaximum()).isEqualTo(64);

        for (int i = 0; i < 10; i++) {
            publish(pub, topic, "m" + i, MqttQos.AT_LEAST_ONCE);
        }
        for (int i = 0; i < 10; i++) {
            Mqtt5Publish m = next(got);
            assertThat(m.getTopic().toString()).isEqualTo(topic);
            assertThat(text(m)).isEqualTo("m" + i);
        }

        // client to broker: the client mapped the topic to an alias and then sent the alias alone
        List<MqttWireTap.Packet> in = tap.publishesFromClient();
        assertThat(in).anyMatch(p -> p.topicAlias() != null && p.topic().isEmpty());
        // broker to client: the first carries topic and alias, the rest the alias only
        List<MqttWireTap.Packet> out = tap.publishesFromBroker();
        assertThat(out).hasSize(10);
        assertThat(out.get(0).topic()).isEqualTo(topic);
        assertThat(out.get(0).topicAlias()).isBetween(1, 8);
        assertThat(out.subList(1, 10)).allSatisfy(p -> {
            assertThat(p.topic()).isEmpty();
            assertThat(p.topicAlias()).isEqualTo(out.get(0).topicAlias());
        });
    }

    @Test
    void sharedSubscriptionSpreadsMessagesOverTheGroup() {
        List<BlockingQueue<Mqtt5Publish>> workers = new ArrayList<>();
        for (String id : List.of("share-a", "share-b")) {
            Mqtt5AsyncClient w = v5(id);
            workers.add(collect(w));
            connect(w);
            assertThat(subscribe(w, "$share/g/work/#", MqttQos.AT_LEAST_ONCE).getReasonCodes())
                    .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        }
        Mqtt5AsyncClient pub = v5("share-pub");
        connect(pub);
        int n = 40;
        for (int i = 0; i < n; i++) {
            publish(pub, "work/" + (i % 4), "job" + i, MqttQos.AT_LEAST_ONCE);
        }
        await().atMost(WAIT, TimeUnit.SECONDS).until(() -> workers.get(0).size() + workers.get(1).size() == n);
        Set<String> seen = new HashSet<>();
        workers.forEach(q -> q.forEach(p -> assertThat(seen.add(text(p))).as("delivered once: %s", text(p)).isTrue()));
        assertThat(seen).hasSize(n);
        assertThat(workers.get(0)).isNotEmpty();
        assertThat(workers.get(1)).isNotEmpty();
    }

    @Test
    void expiredMessagesAreNotDeliveredToAReturningSession() {
        Mqtt5AsyncClient sub = v5("exp-sub");
        BlockingQueue<Mqtt5Publish> got = collect(sub);
        Mqtt5ConnectBuilder session = login().sessionExpiryInterval(300);
        connect(sub, session.cleanStart(true));
        subscribe(sub, "exp/#", MqttQos.AT_LEAST_ONCE);
        get(sub.disconnect());

        Mqtt5AsyncClient pub = v5("exp-pub");
        connect(pub);
        get(pub.publishWith().topic("exp/short").payload(utf8("gone")).qos(MqttQos.AT_LEAST_ONCE)
                .messageExpiryInterval(1).send());
        get(pub.publishWith().topic("exp/long").payload(utf8("kept")).qos(MqttQos.AT_LEAST_ONCE)
                .messageExpiryInterval(3600).send());
        Queue q = sessionQueue("exp-sub");
        // The broker's own scan runs every 30 s; ask the queue to look until the short-lived one has gone.
        await().atMost(30, TimeUnit.SECONDS).pollInterval(100, TimeUnit.MILLISECONDS).until(() -> {
            q.expireScan();
            return q.stats().expired() == 1;
        });
        assertThat(q.stats().total()).isEqualTo(1);

        assertThat(connect(sub, session.cleanStart(false)).isSessionPresent()).isTrue();
        Mqtt5Publish kept = next(got);
        assertThat(text(kept)).isEqualTo("kept");
        assertThat(kept.getMessageExpiryInterval().orElseThrow()).isBetween(3000L, 3600L);
        publish(pub, "exp/marker", "marker", MqttQos.AT_LEAST_ONCE);
        assertThat(text(next(got))).isEqualTo("marker");
    }

    @Test
    void requestResponseKeepsEveryProperty() {
        Mqtt5AsyncClient responder = v5("rr-responder");
        BlockingQueue<Mqtt5Publish> requests = collect(responder);
        connect(responder);
        subscribe(responder, "rr/service", MqttQos.AT_LEAST_ONCE);
        Mqtt5AsyncClient requester = v5("rr-requester");
        BlockingQueue<Mqtt5Publish> replies = collect(requester);
        connect(requester);
        subscribe(requester, "rr/replies/requester", MqttQos.AT_LEAST_ONCE);

        byte[] correlation = {0, 1, 2, (byte) 0xFE, (byte) 0xFF}; // not UTF-8: must travel as bytes
        get(requester.publishWith().topic("rr/service").payload(utf8("{\"op\":\"ping\"}")).qos(MqttQos.AT_LEAST_ONCE)
                .responseTopic("rr/replies/requester").correlationData(correlation)
                .contentType("application/json").payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                .userProperties().add("tenant", "blue").add("trace", "t-1").applyUserProperties()
                .send());

        Mqtt5Publish request = next(requests);
        assertThat(text(request)).isEqualTo("{\"op\":\"ping\"}");
        assertThat(request.getResponseTopic()).hasValueSatisfying(t -> assertThat(t.toString())
                .isEqualTo("rr/replies/requester"));
        assertThat(request.getCorrelationData().map(HiveMqClientTest::bytes)).hasValueSatisfying(
                c -> assertThat(c).isEqualTo(correlation));
        assertThat(request.getContentType()).hasValueSatisfying(c -> assertThat(c.toString())
                .isEqualTo("application/json"));
        assertThat(request.getPayloadFormatIndicator()).contains(Mqtt5PayloadFormatIndicator.UTF_8);
        assertThat(userProperties(request)).contains("tenant=blue", "trace=t-1");

        get(responder.publishWith().topic(request.getResponseTopic().orElseThrow()).payload(utf8("pong"))
                .qos(MqttQos.AT_LEAST_ONCE).correlationData(request.getCorrelationData().orElseThrow())
                .contentType("text/plain").userProperties().add("status", "ok").applyUserProperties().send());
        Mqtt5Publish reply = next(replies);
        assertThat(text(reply)).isEqualTo("pong");
        assertThat(reply.getCorrelationData().map(HiveMqClientTest::bytes)).hasValueSatisfying(
                c -> assertThat(c).isEqualTo(correlation));
        assertThat(reply.getContentType()).hasValueSatisfying(c -> assertThat(c.toString()).isEqualTo("text/plain"));
        assertThat(userProperties(reply)).contains("status=ok");
    }

    private static List<String> userProperties(Mqtt5Publish p) {
        return p.getUserProperties().asList().stream().map(HiveMqClientTest::pair).toList();
    }

    private static String pair(Mqtt5UserProperty u) {
        return u.getName() + "=" + u.getValue();
    }

    @Test
    void receiveMaximumLimitsWhatTheBrokerHasInFlight() throws IOException {
        MqttWireTap tap = tap();
        Mqtt5AsyncClient sub = v5("rm-sub", tap.port());
        BlockingQueue<Mqtt5Publish> got = new LinkedBlockingQueue<>();
        sub.publishes(MqttGlobalPublishFilter.ALL, got::add, true); // acknowledged by the test, one by one
        connect(sub, login().restrictions().receiveMaximum(2).applyRestrictions());
        subscribe(sub, "rm/#", MqttQos.AT_LEAST_ONCE);
        Mqtt5AsyncClient pub = v5("rm-pub");
        connect(pub);
        int n = 10;
        for (int i = 0; i < n; i++) {
            publish(pub, "rm/x", "m" + i, MqttQos.AT_LEAST_ONCE);
        }

        Queue q = sessionQueue("rm-sub");
        List<String> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int unacked = Math.min(2, n - i);
            int waiting = n - i - unacked;
            // the broker fills the window and stops there: the rest wait in the queue
            await().atMost(WAIT, TimeUnit.SECONDS).until(() -> got.size() == unacked
                    && q.stats().inFlight() == unacked && q.stats().ready() == waiting);
            assertThat(tap.maxBrokerInFlight()).isLessThanOrEqualTo(2);
            Mqtt5Publish m = got.poll();
            order.add(text(m));
            m.acknowledge();
        }
        assertThat(order).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(tap.maxBrokerInFlight()).isEqualTo(2);
        await().atMost(WAIT, TimeUnit.SECONDS).until(() -> q.stats().total() == 0);
    }

    @Test
    void retainedMessagesFollowRetainHandling() {
        Mqtt5AsyncClient pub = v5("ret-pub");
        connect(pub);
        get(pub.publishWith().topic("ret/a").payload(utf8("A")).qos(MqttQos.AT_LEAST_ONCE).retain(true).send());

        // 0: send at subscribe
        Mqtt5AsyncClient always = v5("ret-always");
        BlockingQueue<Mqtt5Publish> alwaysGot = collect(always);
        connect(always);
        get(always.subscribeWith().topicFilter("ret/#").qos(MqttQos.AT_LEAST_ONCE)
                .retainHandling(Mqtt5RetainHandling.SEND).send());
        Mqtt5Publish retained = next(alwaysGot);
        assertThat(text(retained)).isEqualTo("A");
        assertThat(retained.isRetain()).isTrue();

        // 1: only for a new subscription
        Mqtt5AsyncClient ifNew = v5("ret-if-new");
        BlockingQueue<Mqtt5Publish> ifNewGot = collect(ifNew);
        connect(ifNew);
        for (int i = 0; i < 2; i++) {
            get(ifNew.subscribeWith().topicFilter("ret/#").qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send());
        }

        // 2: never
        Mqtt5AsyncClient never = v5("ret-never");
        BlockingQueue<Mqtt5Publish> neverGot = collect(never);
        connect(never);
        get(never.subscribeWith().topicFilter("ret/#").qos(MqttQos.AT_LEAST_ONCE)
                .retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).retainAsPublished(true).send());

        get(pub.publishWith().topic("ret/b").payload(utf8("B")).qos(MqttQos.AT_LEAST_ONCE).retain(true).send());
        assertThat(text(next(ifNewGot))).isEqualTo("A");
        Mqtt5Publish live = next(ifNewGot);
        assertThat(text(live)).isEqualTo("B"); // the second subscribe did not send A again
        assertThat(live.isRetain()).isFalse();
        Mqtt5Publish asPublished = next(neverGot);
        assertThat(text(asPublished)).isEqualTo("B"); // no A before it
        assertThat(asPublished.isRetain()).isTrue(); // retain as published
        assertThat(text(next(alwaysGot))).isEqualTo("B");

        // an empty retained message clears the topic
        get(pub.publishWith().topic("ret/a").qos(MqttQos.AT_LEAST_ONCE).retain(true).send());
        Mqtt5AsyncClient late = v5("ret-late");
        BlockingQueue<Mqtt5Publish> lateGot = collect(late);
        connect(late);
        subscribe(late, "ret/#", MqttQos.AT_LEAST_ONCE);
        Mqtt5Publish only = next(lateGot);
        assertThat(text(only)).isEqualTo("B");
        assertThat(only.isRetain()).isTrue();
    }

    @Test
    void retainedMessageWithMqtt311() {
        Mqtt3AsyncClient pub = v3("ret3-pub");
        connect3(pub);
        publish3(pub, "ret3/status", "online", MqttQos.AT_LEAST_ONCE, true);
        Mqtt3AsyncClient sub = v3("ret3-sub");
        BlockingQueue<Mqtt3Publish> got = collect3(sub);
        connect3(sub);
        get(sub.subscribeWith().topicFilter("ret3/+").qos(MqttQos.AT_LEAST_ONCE).send());
        Mqtt3Publish m = next(got);
        assertThat(text(m)).isEqualTo("online");
        assertThat(m.isRetain()).isTrue();
    }

    @Test
    void willIsPublishedAfterItsDelayWhenTheConnectionDrops() throws IOException {
        Mqtt5AsyncClient watcher = v5("will-watcher");
        BlockingQueue<Mqtt5Publish> wills = collect(watcher);
        connect(watcher);
        subscribe(watcher, "will/#", MqttQos.AT_LEAST_ONCE);

        // a client that says goodbye properly leaves no will
        Mqtt5AsyncClient polite = v5("will-polite");
        connect(polite, login().willPublish().topic("will/polite").payload(utf8("polite gone"))
                .qos(MqttQos.AT_LEAST_ONCE).applyWillPublish());
        get(polite.disconnect());

        MqttWireTap tap = tap();
        Mqtt5AsyncClient dying = v5("will-dying", tap.port());
        connect(dying, login().sessionExpiryInterval(60).willPublish().topic("will/dying")
                .payload(utf8("dying gone")).qos(MqttQos.AT_LEAST_ONCE).delayInterval(1)
                .contentType("text/plain").userProperties().add("why", "lost").applyUserProperties()
                .applyWillPublish());
        long dropped = System.nanoTime();
        tap.sever();

        Mqtt5Publish will = next(wills);
        long waitedMillis = (System.nanoTime() - dropped) / 1_000_000;
        assertThat(will.getTopic().toString()).isEqualTo("will/dying");
        assertThat(text(will)).isEqualTo("dying gone");
        assertThat(will.getContentType()).hasValueSatisfying(c -> assertThat(c.toString()).isEqualTo("text/plain"));
        assertThat(userProperties(will)).contains("why=lost");
        assertThat(waitedMillis).as("the will waited for its delay").isGreaterThanOrEqualTo(900);
        assertThat(wills).isEmpty(); // the polite client's will never came
    }

    @Test
    void willOnAbruptDisconnectWithMqtt311() throws IOException {
        Mqtt3AsyncClient watcher = v3("will3-watcher");
        BlockingQueue<Mqtt3Publish> wills = collect3(watcher);
        connect3(watcher);
        get(watcher.subscribeWith().topicFilter("will3/#").qos(MqttQos.AT_LEAST_ONCE).send());
        MqttWireTap tap = tap();
        Mqtt3AsyncClient dying = v3("will3-dying", tap.port());
        connect3(dying, login3("guest", "guest").willPublish().topic("will3/dying").payload(utf8("bye"))
                .qos(MqttQos.AT_LEAST_ONCE).applyWillPublish());
        tap.sever();
        Mqtt3Publish will = next(wills);
        assertThat(will.getTopic().toString()).isEqualTo("will3/dying");
        assertThat(text(will)).isEqualTo("bye");
    }

    @Test
    void noLocalSubscriptionDoesNotReceiveItsOwnMessages() {
        Mqtt5AsyncClient chatty = v5("nl-chatty");
        BlockingQueue<Mqtt5Publish> own = collect(chatty);
        connect(chatty);
        get(chatty.subscribeWith().topicFilter("nl/room").qos(MqttQos.AT_LEAST_ONCE).noLocal(true).send());
        Mqtt5AsyncClient other = v5("nl-other");
        BlockingQueue<Mqtt5Publish> others = collect(other);
        connect(other);
        subscribe(other, "nl/room", MqttQos.AT_LEAST_ONCE);

        publish(chatty, "nl/room", "from chatty", MqttQos.AT_LEAST_ONCE);
        assertThat(text(next(others))).isEqualTo("from chatty");
        publish(other, "nl/room", "from other", MqttQos.AT_LEAST_ONCE);
        assertThat(text(next(own))).isEqualTo("from other"); // its own message never came first
        assertThat(text(next(others))).isEqualTo("from other"); // no-local is per subscription
    }

    @Test
    void subscriptionIdentifiersComeBackWithEveryMatchingSubscription() throws IOException {
        MqttWireTap tap = tap();
        Mqtt5AsyncClient c = v5("sid", tap.port());
        Mqtt5ConnAck ack = connect(c);
        assertThat(ack.getRestrictions().areSubscriptionIdentifiersAvailable()).isTrue();
        BlockingQueue<Mqtt5Publish> all = new LinkedBlockingQueue<>();
        BlockingQueue<Mqtt5Publish> temps = new LinkedBlockingQueue<>();
        get(c.subscribeWith().topicFilter("sid/#").qos(MqttQos.AT_LEAST_ONCE).callback(all::add).send());
        get(c.subscribeWith().topicFilter("sid/+/temp").qos(MqttQos.AT_LEAST_ONCE).callback(temps::add).send());
        // the client numbers its subscriptions itself
        List<Integer> ids = tap.fromClient.stream().filter(p -> p.type() == MqttMessageType.SUBSCRIBE)
                .map(p -> p.subscriptionIds().isEmpty() ? null : p.subscriptionIds().get(0)).toList();
        assertThat(ids).hasSize(2).doesNotContainNull().doesNotHaveDuplicates();

        publish(c, "sid/kitchen/temp", "21", MqttQos.AT_LEAST_ONCE);
        assertThat(text(next(all))).isEqualTo("21");
        assertThat(text(next(temps))).isEqualTo("21");
        publish(c, "sid/kitchen/humidity", "40", MqttQos.AT_LEAST_ONCE);
        assertThat(text(next(all))).isEqualTo("40");

        List<MqttWireTap.Packet> delivered = tap.publishesFromBroker();
        assertThat(delivered).hasSize(2); // one publish per message, however many subscriptions matched
        assertThat(delivered.get(0).subscriptionIds()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(delivered.get(1).subscriptionIds()).containsExactly(ids.get(0));
        assertThat(temps).isEmpty();
    }

    // ------------------------------------------------------------------ WebSocket

    @Test
    void webSocketTransportWithMqtt5() {
        Mqtt5AsyncClient ws = track(Mqtt5Client.builder().identifier("ws5").serverHost("127.0.0.1")
                .serverPort(wsPort()).webSocketConfig().serverPath("mqtt").subprotocol("mqtt").applyWebSocketConfig());
        BlockingQueue<Mqtt5Publish> wsGot = collect(ws);
        connect(ws);
        subscribe(ws, "ws/#", MqttQos.EXACTLY_ONCE);
        Mqtt5AsyncClient tcp = v5("ws5-tcp");
        BlockingQueue<Mqtt5Publish> tcpGot = collect(tcp);
        connect(tcp);
        subscribe(tcp, "tcp/#", MqttQos.AT_LEAST_ONCE);

        publish(tcp, "ws/in", "over tcp", MqttQos.EXACTLY_ONCE);
        Mqtt5Publish m = next(wsGot);
        assertThat(text(m)).isEqualTo("over tcp");
        assertThat(m.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
        get(ws.publishWith().topic("tcp/in").payload(utf8("over websocket")).qos(MqttQos.AT_LEAST_ONCE)
                .userProperties().add("via", "ws").applyUserProperties().send());
        Mqtt5Publish back = next(tcpGot);
        assertThat(text(back)).isEqualTo("over websocket");
        assertThat(userProperties(back)).contains("via=ws");
    }

    @Test
    void webSocketTransportWithMqtt311() {
        Mqtt3AsyncClient ws = Mqtt3Client.builder().identifier("ws3").serverHost("127.0.0.1").serverPort(wsPort())
                .webSocketConfig().serverPath("mqtt").subprotocol("mqtt").applyWebSocketConfig().buildAsync();
        v3Clients.add(ws);
        BlockingQueue<Mqtt3Publish> got = collect3(ws);
        connect3(ws);
        get(ws.subscribeWith().topicFilter("ws3/#").qos(MqttQos.AT_LEAST_ONCE).send());
        publish3(ws, "ws3/self", "echo", MqttQos.AT_LEAST_ONCE, false);
        assertThat(text(next(got))).isEqualTo("echo");
    }

    // ------------------------------------------------------------------ security

    @Test
    void wrongCredentialsAreRefusedWithMqtt5() {
        Mqtt5AsyncClient c = v5("bad-login5");
        assertThatThrownBy(() -> connect(c, login("guest", "not-the-password")))
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                        assertThat(e.getMqttMessage().getReasonCode())
                                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
        assertThat(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD.getCode()).isEqualTo(0x86);
        assertThatThrownBy(() -> connect(c, login("nobody", "guest")))
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                        assertThat(e.getMqttMessage().getReasonCode())
                                .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
        assertThat(c.getState().isConnected()).isFalse();
    }

    @Test
    void wrongCredentialsAreRefusedWithMqtt311() {
        Mqtt3AsyncClient c = v3("bad-login3");
        assertThatThrownBy(() -> connect3(c, login3("admin", "wrong")))
                .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e ->
                        assertThat(e.getMqttMessage().getReturnCode())
                                .isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD));
        assertThat(c.getState().isConnected()).isFalse();
    }

    @Test
    void forbiddenSubscribeGetsNotAuthorizedWithMqtt5() {
        Mqtt5AsyncClient limited = v5("limited5");
        BlockingQueue<Mqtt5Publish> got = collect(limited);
        connect(limited, login("limited", "secret"));
        assertThatThrownBy(() -> subscribe(limited, "forbidden/#", MqttQos.AT_LEAST_ONCE))
                .isInstanceOfSatisfying(Mqtt5SubAckException.class, e ->
                        assertThat(e.getMqttMessage().getReasonCodes())
                                .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED));
        assertThat(Mqtt5SubAckReasonCode.NOT_AUTHORIZED.getCode()).isEqualTo(0x87);
        assertThat(subscribe(limited, "allowed/#", MqttQos.AT_LEAST_ONCE).getReasonCodes())
                .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        publish(limited, "allowed/x", "fine", MqttQos.AT_LEAST_ONCE);
        assertThat(text(next(got))).isEqualTo("fine");
        assertThat(limited.getState().isConnected()).isTrue();
    }

    @Test
    void forbiddenSubscribeFailsWithMqtt311() {
        Mqtt3AsyncClient limited = v3("limited3");
        BlockingQueue<Mqtt3Publish> got = collect3(limited);
        connect3(limited, login3("limited", "secret"));
        assertThatThrownBy(() -> get(limited.subscribeWith().topicFilter("forbidden/#").qos(MqttQos.AT_LEAST_ONCE)
                .send()))
                .isInstanceOfSatisfying(Mqtt3SubAckException.class, e ->
                        assertThat(e.getMqttMessage().getReturnCodes()).containsExactly(Mqtt3SubAckReturnCode.FAILURE));
        get(limited.subscribeWith().topicFilter("allowed/#").qos(MqttQos.AT_LEAST_ONCE).send());
        publish3(limited, "allowed/y", "fine", MqttQos.AT_LEAST_ONCE, false);
        assertThat(text(next(got))).isEqualTo("fine");
    }
}
