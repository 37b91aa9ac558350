package io.ferrymq.mqtt;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The QoS 1 and 2 handshakes at the packet level, where a test controls exactly which acknowledgement
 * is sent and when the connection drops.
 */
class QualityOfServiceWireTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new MqttProtocol(b, MqttSettings.defaults()))
            .tcp("mqtt", MqttProtocol.NAME)
            .websocket("ws", MqttProtocol.NAME)
            .build();

    @Test
    void qos2PublishResentAfterReconnectIsRoutedOnce() throws Exception {
        try (RawMqttClient sub = new RawMqttClient(broker.port("mqtt"))) {
            sub.connect(MqttVersion.MQTT_3_1_1, "qos2-sub", true, null);
            sub.subscribe(1, "exactly/once", 2);
            sub.expect(MqttMessageType.SUBACK);

            try (RawMqttClient pub = new RawMqttClient(broker.port("mqtt"))) {
                pub.connect(MqttVersion.MQTT_3_1_1, "qos2-pub", false, null);
                pub.publish("exactly/once", 2, 7, false, "m1", null);
                assertThat(RawMqttClient.packetId(pub.expect(MqttMessageType.PUBREC))).isEqualTo(7);
                // The connection drops before PUBREL: the client must send the PUBLISH again.
            }
            try (RawMqttClient pub = new RawMqttClient(broker.port("mqtt"))) {
                assertThat(pub.connect(MqttVersion.MQTT_3_1_1, "qos2-pub", false, null).variableHeader()
                        .isSessionPresent()).isTrue();
                pub.publish("exactly/once", 2, 7, true, "m1", null);
                assertThat(RawMqttClient.packetId(pub.expect(MqttMessageType.PUBREC))).isEqualTo(7);
                pub.reply(MqttMessageType.PUBREL, 7);
                assertThat(RawMqttClient.packetId(pub.expect(MqttMessageType.PUBCOMP))).isEqualTo(7);
                // A PUBREL for an id nobody used completes too (3.1.1 has no reason code for it).
                pub.reply(MqttMessageType.PUBREL, 8);
                assertThat(RawMqttClient.packetId(pub.expect(MqttMessageType.PUBCOMP))).isEqualTo(8);
                pub.publish("exactly/once", 2, 9, false, "m2", null);
                pub.expect(MqttMessageType.PUBREC);
                pub.reply(MqttMessageType.PUBREL, 9);
                pub.expect(MqttMessageType.PUBCOMP);
            }

            // Both deliveries may be in flight at once: answer each packet as it comes.
            List<String> got = new ArrayList<>();
            int completed = 0;
            while (completed < 2) {
                MqttMessage m = sub.receive();
                if (m instanceof MqttPublishMessage p) {
                    got.add(RawMqttClient.payload(p));
                    sub.reply(MqttMessageType.PUBREC, p.variableHeader().packetId());
                    p.release();
                } else {
                    assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREL);
                    sub.reply(MqttMessageType.PUBCOMP, RawMqttClient.packetId(m));
                    completed++;
                }
            }
            assertThat(got).containsExactly("m1", "m2");
            sub.ping();
            sub.expect(MqttMessageType.PINGRESP); // and no duplicate of m1 before it
        }
    }

    @Test
    void unacknowledgedQos2DeliveryIsResentWithDupAndSamePacketId() throws Exception {
        int firstId;
        try (RawMqttClient sub = new RawMqttClient(broker.port("mqtt"))) {
            sub.connect(MqttVersion.MQTT_3_1_1, "resend-sub", false, null);
            sub.subscribe(1, "resend/#", 2);
            sub.expect(MqttMessageType.SUBACK);
            publishQos1("resend/a", "payload");
            MqttPublishMessage p = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
            assertThat(p.fixedHeader().isDup()).isFalse();
            firstId = p.variableHeader().packetId();
            p.release();
            // no PUBREC: the connection drops
        }
        try (RawMqttClient sub = new RawMqttClient(broker.port("mqtt"))) {
            assertThat(sub.connect(MqttVersion.MQTT_3_1_1, "resend-sub", false, null).variableHeader()
                    .isSessionPresent()).isTrue();
            MqttPublishMessage p = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
            assertThat(p.fixedHeader().isDup()).isTrue();
            assertThat(p.variableHeader().packetId()).isEqualTo(firstId);
            assertThat(RawMqttClient.payload(p)).isEqualTo("payload");
            // The published QoS was 1: the delivery is QoS 1 however high the subscription's QoS.
            assertThat(p.fixedHeader().qosLevel().value()).isEqualTo(1);
            sub.reply(MqttMessageType.PUBACK, firstId);
            p.release();
        }
        await().untilAsserted(() -> assertThat(broker.broker().vhost("/").queue("mqtt-subscription-resend-sub").stats().total()).isZero());
    }

    @Test
    void pubrelIsResentAfterReconnectUntilPubcomp() throws Exception {
        try (RawMqttClient sub = new RawMqttClient(broker.port("mqtt"))) {
            sub.connect(MqttVersion.MQTT_3_1_1, "pubrel-sub", false, null);
            sub.subscribe(1, "pubrel/t", 2);
            sub.expect(MqttMessageType.SUBACK);
            publishQos2("pubrel/t", "once");
            MqttPublishMessage p = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
            int id = p.variableHeader().packetId();
            p.release();
            sub.reply(MqttMessageType.PUBREC, id);
            assertThat(RawMqttClient.packetId(sub.expect(MqttMessageType.PUBREL))).isEqualTo(id);
            // no PUBCOMP: the connection drops
        }
        try (RawMqttClient sub = new RawMqttClient(broker.port("mqtt"))) {
            sub.connect(MqttVersion.MQTT_3_1_1, "pubrel-sub", false, null);
            MqttMessage rel = sub.expect(MqttMessageType.PUBREL);
            sub.reply(MqttMessageType.PUBCOMP, RawMqttClient.packetId(rel));
            sub.ping();
            sub.expect(MqttMessageType.PINGRESP); // the message itself is not sent again
        }
        try (RawMqttClient sub = new RawMqttClient(broker.port("mqtt"))) {
            sub.connect(MqttVersion.MQTT_3_1_1, "pubrel-sub", false, null);
            sub.ping();
            sub.expect(MqttMessageType.PINGRESP); // nor the PUBREL, once completed
        }
    }

    @Test
    void brokerSendsNoMoreThanTheClientsReceiveMaximum() throws Exception {
        try (RawMqttClient sub = new RawMqttClient(broker.port("mqtt"))) {
            MqttProperties props = new MqttProperties();
            props.add(new MqttProperties.IntegerProperty(MqttProperties.RECEIVE_MAXIMUM, 3));
            sub.connect(MqttVersion.MQTT_5, "recv-max", true, props);
            sub.subscribe(1, "window", 1);
            sub.expect(MqttMessageType.SUBACK);
            for (int i = 0; i < 10; i++) {
                publishQos1("window", "m" + i);
            }
            await().untilAsserted(() -> assertThat(broker.broker().vhost("/").queue("mqtt-subscription-recv-max").stats().total())
                    .isEqualTo(10));
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                MqttPublishMessage p = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
                assertThat(RawMqttClient.payload(p)).isEqualTo("m" + i);
                ids.add(p.variableHeader().packetId());
                p.release();
            }
            sub.ping();
            sub.expect(MqttMessageType.PINGRESP);
            assertThat(broker.broker().vhost("/").queue("mqtt-subscription-recv-max").stats().inFlight()).isEqualTo(3);
            assertThat(broker.broker().vhost("/").queue("mqtt-subscription-recv-max").stats().ready()).isEqualTo(7);

            sub.reply(MqttMessageType.PUBACK, ids.get(0));
            MqttPublishMessage next = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
            assertThat(RawMqttClient.payload(next)).isEqualTo("m3");
            next.release();
            sub.ping();
            sub.expect(MqttMessageType.PINGRESP);
            assertThat(broker.broker().vhost("/").queue("mqtt-subscription-recv-max").stats().inFlight()).isEqualTo(3);
        }
    }

    @Test
    void packetIdsInFlightAreNeverReused() throws Exception {
        try (RawMqttClient sub = new RawMqttClient(broker.port("mqtt"))) {
            sub.connect(MqttVersion.MQTT_3_1_1, "ids", true, null);
            sub.subscribe(1, "ids", 1);
            sub.expect(MqttMessageType.SUBACK);
            for (int i = 0; i < 50; i++) {
                publishQos1("ids", "m" + i);
            }
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                MqttPublishMessage p = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
                assertThat(seen.add(p.variableHeader().packetId())).isTrue();
                assertThat(p.variableHeader().packetId()).isBetween(1, 65535);
                p.release();
            }
        }
    }

    @Test
    void acknowledgementsFollowThePublishOrderAndSayWhenNobodySubscribed() throws Exception {
        try (RawMqttClient pub = new RawMqttClient(broker.port("mqtt"))) {
            pub.connect(MqttVersion.MQTT_5, "ordered-acks", true, null);
            for (int id = 1; id <= 20; id++) {
                pub.publish("nobody/listens", id % 2 + 1, id, false, "x", null);
            }
            for (int id = 1; id <= 20; id++) {
                MqttMessage ack = pub.receive();
                assertThat(ack.fixedHeader().messageType())
                        .isEqualTo(id % 2 == 0 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC);
                assertThat(RawMqttClient.packetId(ack)).isEqualTo(id);
                assertThat(RawMqttClient.reasonCode(ack)).isEqualTo(0x10); // no matching subscribers
            }
        }
    }

    @Test
    void topicAliasesReplaceRepeatedTopicsUpToTheClientsMaximum() throws Exception {
        try (RawMqttClient sub = new RawMqttClient(broker.port("mqtt"))) {
            MqttProperties props = new MqttProperties();
            props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM, 1));
            sub.connect(MqttVersion.MQTT_5, "alias-sub", true, props);
            sub.subscribe(1, "alias/#", 1);
            sub.expect(MqttMessageType.SUBACK);
            for (String topic : List.of("alias/a", "alias/a", "alias/b", "alias/b")) {
                publishQos1(topic, topic);
            }
            List<String> wire = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                MqttPublishMessage p = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
                MqttProperties.MqttProperty<?> alias = p.variableHeader().properties()
                        .getProperty(MqttProperties.TOPIC_ALIAS);
                wire.add(p.variableHeader().topicName() + "|" + (alias == null ? "-" : alias.value()) + "|"
                        + RawMqttClient.payload(p));
                sub.reply(MqttMessageType.PUBACK, p.variableHeader().packetId());
                p.release();
            }
            // the first use of a topic sets alias 1; later ones send only the alias; no alias is left for b
            assertThat(wire).containsExactly("alias/a|1|alias/a", "|1|alias/a", "alias/b|-|alias/b", "alias/b|-|alias/b");
        }
    }

    @Test
    void topicAliasesFromTheClientAreResolved() throws Exception {
        try (RawMqttClient sub = new RawMqttClient(broker.port("mqtt"))) {
            sub.connect(MqttVersion.MQTT_5, "alias-target", true, null);
            sub.subscribe(1, "in/#", 0);
            sub.expect(MqttMessageType.SUBACK);
            try (RawMqttClient pub = new RawMqttClient(broker.port("mqtt"))) {
                pub.connect(MqttVersion.MQTT_5, "alias-source", true, null);
                MqttProperties set = new MqttProperties();
                set.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, 3));
                pub.publish("in/long/topic/name", 0, 0, false, "one", set);
                MqttProperties use = new MqttProperties();
                use.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, 3));
                pub.publish("", 0, 0, false, "two", use);
                MqttProperties reassign = new MqttProperties();
                reassign.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, 3));
                pub.publish("in/other", 0, 0, false, "three", reassign);
                pub.publish("", 0, 0, false, "four", use);
                for (String expected : List.of("in/long/topic/name|one", "in/long/topic/name|two", "in/other|three",
                        "in/other|four")) {
                    MqttPublishMessage p = (MqttPublishMessage) sub.expect(MqttMessageType.PUBLISH);
                    assertThat(p.variableHeader().topicName() + "|" + RawMqttClient.payload(p)).isEqualTo(expected);
                    p.release();
                }
            }
        }
    }

    private void publishQos1(String topic, String payload) throws Exception {
        try (RawMqttClient pub = new RawMqttClient(broker.port("mqtt"))) {
            pub.connect(MqttVersion.MQTT_3_1_1, "", true, null);
            pub.publish(topic, 1, 1, false, payload, null);
            pub.expect(MqttMessageType.PUBACK);
        }
    }

    private void publishQos2(String topic, String payload) throws Exception {
        try (RawMqttClient pub = new RawMqttClient(broker.port("mqtt"))) {
            pub.connect(MqttVersion.MQTT_3_1_1, "", true, null);
            pub.publish(topic, 2, 1, false, payload, null);
            pub.expect(MqttMessageType.PUBREC);
            pub.reply(MqttMessageType.PUBREL, 1);
            pub.expect(MqttMessageType.PUBCOMP);
        }
    }
}
