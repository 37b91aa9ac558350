package io.ferrymq.mqtt;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed packets, protocol violations, refused logins and oversize packets: each gets the reason
 * code MQTT 5 defines (or a plain close for MQTT 3, which has none), and the broker keeps serving
 * everyone else, which every test checks at the end.
 */
class MqttBadInputTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new MqttProtocol(b, MqttSettings.defaults().withMaxPacketBytes(4096).withReceiveMaximum(2)
                    // Short enough for the test of a CONNECT that never completes, long enough for a busy machine.
                    .withConnectTimeoutMillis(3000)))
            .tcp("mqtt", MqttProtocol.NAME)
            .websocket("ws", MqttProtocol.NAME)
            .build();

    @AfterEach
    void brokerStillServesOthers() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            c.connect(MqttVersion.MQTT_5, "healthy", true, null);
            c.subscribe(1, "health", 1);
            c.expect(MqttMessageType.SUBACK);
            c.publish("health", 1, 2, false, "ok", null);
            // PUBLISH and PUBACK may come in either order
            MqttMessage a = c.receive();
            MqttMessage b = c.receive();
            assertThat(java.util.List.of(a.fixedHeader().messageType(), b.fixedHeader().messageType()))
                    .containsExactlyInAnyOrder(MqttMessageType.PUBLISH, MqttMessageType.PUBACK);
        }
    }

    private static MqttConnAckMessage connect(RawMqttClient c, MqttVersion v) throws IOException {
        MqttConnAckMessage ack = c.connect(v, "bad-" + v, true, null);
        assertThat(RawMqttClient.reasonCode(ack)).isZero();
        return ack;
    }

    private static int disconnectReason(MqttMessage m) {
        assertThat(m).isNotNull();
        assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
        return ((MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader()).reasonCode() & 0xff;
    }

    private static String reasonString(MqttMessage m) {
        MqttProperties props = ((MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader()).properties();
        MqttProperties.MqttProperty<?> p = props.getProperty(MqttProperties.REASON_STRING);
        return p == null ? null : (String) p.value();
    }

    @Test
    void bytesThatAreNotMqttAreRefused() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            c.sendBytes("GARBAGE GARBAGE GARBAGE\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.expectClose()).isNull();
        }
    }

    @Test
    void packetBeforeConnectClosesTheConnection() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            c.sendBytes(new byte[] {(byte) 0xC0, 0x00}); // PINGREQ
            assertThat(c.expectClose()).isNull();
        }
    }

    @Test
    void secondConnectIsAProtocolErrorInMqtt5() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            connect(c, MqttVersion.MQTT_5);
            c.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5).clientId("again")
                    .username("guest").password("guest".getBytes(StandardCharsets.UTF_8)).build());
            MqttMessage d = c.expectClose();
            assertThat(disconnectReason(d)).isEqualTo(0x82);
            assertThat(reasonString(d)).contains("second CONNECT");
        }
    }

    @Test
    void secondConnectClosesAnMqtt3Connection() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            connect(c, MqttVersion.MQTT_3_1_1);
            c.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("again")
                    .username("guest").password("guest".getBytes(StandardCharsets.UTF_8)).build());
            assertThat(c.expectClose()).isNull();
        }
    }

    @Test
    void unknownProtocolLevelGetsUnacceptableProtocolVersion() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            byte[] name = "MQTT".getBytes(StandardCharsets.US_ASCII);
            byte[] connect = {0x10, 12, 0, 4, name[0], name[1], name[2], name[3], 9 /* level */, 0x02, 0, 60, 0, 0};
            c.sendBytes(connect);
            MqttMessage ack = c.expectClose();
            assertThat(ack).isInstanceOf(MqttConnAckMessage.class);
            assertThat(RawMqttClient.reasonCode(ack)).isEqualTo(0x01);
        }
    }

    @Test
    void emptyClientIdWithoutCleanSessionIsRejectedInMqtt311() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            MqttConnAckMessage ack = c.connect(MqttVersion.MQTT_3_1_1, "", false, null);
            assertThat(RawMqttClient.reasonCode(ack)).isEqualTo(0x02);
            assertThat(c.expectClose()).isNull();
        }
    }

    @Test
    void emptyClientIdGetsAnAssignedOneInMqtt5() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            MqttConnAckMessage ack = c.connect(MqttVersion.MQTT_5, "", true, null);
            assertThat(RawMqttClient.reasonCode(ack)).isZero();
            MqttProperties.MqttProperty<?> id = ack.variableHeader().properties()
                    .getProperty(MqttProperties.ASSIGNED_CLIENT_IDENTIFIER);
            assertThat((String) id.value()).startsWith("ferrymq-");
        }
    }

    @Test
    void wrongPasswordGetsBadUserNameOrPassword() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            MqttConnAckMessage ack = c.connect(MqttVersion.MQTT_3_1_1, "x", true, null, "guest", "wrong");
            assertThat(RawMqttClient.reasonCode(ack)).isEqualTo(0x04);
            assertThat(c.expectClose()).isNull();
        }
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            MqttConnAckMessage ack = c.connect(MqttVersion.MQTT_5, "x", true, null, "nobody", "secret");
            assertThat(RawMqttClient.reasonCode(ack)).isEqualTo(0x86);
            assertThat((String) ack.variableHeader().properties().getProperty(MqttProperties.REASON_STRING).value())
                    .contains("nobody");
        }
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            MqttConnAckMessage ack = c.connect(MqttVersion.MQTT_5, "x", true, null, null, null);
            assertThat(RawMqttClient.reasonCode(ack)).isEqualTo(0x86);
        }
    }

    @Test
    void unknownVirtualHostIsNotAuthorized() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            // "other" exists: user "other:guest" logs in there
            MqttConnAckMessage ok = c.connect(MqttVersion.MQTT_5, "vh", true, null, "other:guest", "guest");
            assertThat(RawMqttClient.reasonCode(ok)).isZero();
        }
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            // no vhost "missing": the whole name is the user name, which does not exist
            MqttConnAckMessage ack = c.connect(MqttVersion.MQTT_5, "vh", true, null, "missing:guest", "guest");
            assertThat(RawMqttClient.reasonCode(ack)).isEqualTo(0x86);
        }
    }

    @Test
    void oversizePacketIsRefusedWithPacketTooLarge() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            MqttConnAckMessage ack = connect(c, MqttVersion.MQTT_5);
            assertThat((Integer) ack.variableHeader().properties().getProperty(MqttProperties.MAXIMUM_PACKET_SIZE)
                    .value()).isEqualTo(4096);
            c.publish("big", 0, 0, false, "x".repeat(10_000), null);
            assertThat(disconnectReason(c.expectClose())).isEqualTo(0x95);
        }
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            connect(c, MqttVersion.MQTT_3_1_1);
            c.publish("big", 1, 1, false, "x".repeat(10_000), null);
            assertThat(c.expectClose()).isNull();
        }
    }

    @Test
    void malformedRemainingLengthIsAMalformedPacket() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            connect(c, MqttVersion.MQTT_5);
            c.sendBytes(new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F});
            assertThat(disconnectReason(c.expectClose())).isEqualTo(0x81);
        }
    }

    @Test
    void subscribeWithWrongFixedHeaderFlagsIsAMalformedPacket() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            connect(c, MqttVersion.MQTT_5);
            // SUBSCRIBE must have flags 0010
            c.sendBytes(new byte[] {(byte) 0x80, 8, 0, 1, 0, 0, 3, 'a', '/', 'b', 0});
            assertThat(disconnectReason(c.expectClose())).isEqualTo(0x81);
        }
    }

    @Test
    void invalidTopicFiltersAreRefusedInTheSuback() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            connect(c, MqttVersion.MQTT_5);
            c.subscribe(1, "a/#/b", 1);
            assertThat(((MqttSubAckMessage) c.expect(MqttMessageType.SUBACK)).payload().reasonCodes()).containsExactly(0x8F);
            c.subscribe(2, "a/b+", 1);
            assertThat(((MqttSubAckMessage) c.expect(MqttMessageType.SUBACK)).payload().reasonCodes()).containsExactly(0x8F);
            c.subscribe(3, "$share/g+/a", 1);
            assertThat(((MqttSubAckMessage) c.expect(MqttMessageType.SUBACK)).payload().reasonCodes()).containsExactly(0x8F);
            c.subscribe(4, "fine/+", 1);
            assertThat(((MqttSubAckMessage) c.expect(MqttMessageType.SUBACK)).payload().reasonCodes()).containsExactly(1);
        }
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            connect(c, MqttVersion.MQTT_3_1_1);
            c.subscribe(1, "a/#/b", 1);
            assertThat(((MqttSubAckMessage) c.expect(MqttMessageType.SUBACK)).payload().reasonCodes()).containsExactly(0x80);
        }
    }

    @Test
    void publishToAWildcardTopicIsTopicNameInvalid() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            connect(c, MqttVersion.MQTT_5);
            // PUBLISH QoS 0, topic "a/+", no properties, payload "x" (written by hand: codecs refuse it)
            c.sendBytes(new byte[] {0x30, 7, 0, 3, 'a', '/', '+', 0, 'x'});
            assertThat(disconnectReason(c.expectClose())).isEqualTo(0x90);
        }
    }

    @Test
    void topicAliasesOutsideTheMaximumOrNeverSetAreRefused() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            connect(c, MqttVersion.MQTT_5);
            MqttProperties props = new MqttProperties();
            props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, 1000));
            c.publish("t", 0, 0, false, "x", props);
            assertThat(disconnectReason(c.expectClose())).isEqualTo(0x94);
        }
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            connect(c, MqttVersion.MQTT_5);
            MqttProperties props = new MqttProperties();
            props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, 5));
            c.publish("", 0, 0, false, "x", props);
            MqttMessage d = c.expectClose();
            assertThat(disconnectReason(d)).isEqualTo(0x82);
            assertThat(reasonString(d)).contains("alias 5");
        }
    }

    @Test
    void exceedingTheBrokersReceiveMaximumIsRefused() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            MqttConnAckMessage ack = connect(c, MqttVersion.MQTT_5);
            assertThat((Integer) ack.variableHeader().properties().getProperty(MqttProperties.RECEIVE_MAXIMUM).value())
                    .isEqualTo(2);
            c.subscribe(1, "quota", 2);
            c.expect(MqttMessageType.SUBACK);
            // QoS 2 publishes hold their quota until PUBCOMP: three without PUBREL exceed a maximum of 2.
            c.publish("quota", 2, 1, false, "1", null);
            c.publish("quota", 2, 2, false, "2", null);
            c.publish("quota", 2, 3, false, "3", null);
            MqttMessage last = c.expectClose();
            assertThat(disconnectReason(last)).isEqualTo(0x93);
        }
    }

    @Test
    void keepAliveIsEnforcedAtOneAndAHalfTimesTheInterval() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt")).keepAlive(1)) {
            connect(c, MqttVersion.MQTT_5);
            long start = System.nanoTime();
            MqttMessage d = c.expectClose();
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(disconnectReason(d)).isEqualTo(0x8D);
            assertThat(elapsedMillis).isGreaterThanOrEqualTo(1000);
        }
    }

    @Test
    void connectionThatNeverCompletesItsConnectIsClosed() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            // The start of a CONNECT, enough to be recognised as MQTT, and then nothing.
            c.sendBytes(new byte[] {0x10, 40, 0, 4, 'M', 'Q', 'T', 'T', 5});
            assertThat(c.expectClose()).isNull();
        }
    }

    @Test
    void releaseOfAnUnknownPacketIdGetsPacketIdentifierNotFound() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            connect(c, MqttVersion.MQTT_5);
            c.reply(MqttMessageType.PUBREL, 42);
            MqttMessage comp = c.expect(MqttMessageType.PUBCOMP);
            assertThat(RawMqttClient.reasonCode(comp)).isEqualTo(0x92);
        }
    }

    @Test
    void disconnectCannotGiveAnExpiryToASessionThatHadNone() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            connect(c, MqttVersion.MQTT_5);
            MqttProperties props = new MqttProperties();
            props.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL, 60));
            c.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    new MqttReasonCodeAndPropertiesVariableHeader((byte) 0, props)));
            assertThat(disconnectReason(c.expectClose())).isEqualTo(0x82);
        }
    }

    @Test
    void authPacketWithoutEnhancedAuthenticationIsAProtocolError() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            connect(c, MqttVersion.MQTT_5);
            c.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.AUTH, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    new MqttReasonCodeAndPropertiesVariableHeader((byte) 0x18, MqttProperties.NO_PROPERTIES)));
            assertThat(disconnectReason(c.expectClose())).isEqualTo(0x82);
        }
    }

    @Test
    void enhancedAuthenticationIsRefusedWithBadAuthenticationMethod() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            MqttProperties props = new MqttProperties();
            props.add(new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, "SCRAM-SHA-1"));
            MqttConnAckMessage ack = c.connect(MqttVersion.MQTT_5, "scram", true, props);
            assertThat(RawMqttClient.reasonCode(ack)).isEqualTo(0x8C);
        }
    }

    @Test
    void invalidWillTopicIsRefused() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            // Written by hand: codecs refuse to encode a will topic with a wildcard.
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 5, (byte) 0xC6, 0, 60, 0});
            for (String field : new String[] {"will", null, "a/#", "bye", "guest", "guest"}) {
                if (field == null) {
                    body.write(0); // will properties: none
                    continue;
                }
                byte[] b = field.getBytes(StandardCharsets.UTF_8);
                body.write(0);
                body.write(b.length);
                body.writeBytes(b);
            }
            ByteArrayOutputStream packet = new ByteArrayOutputStream();
            packet.write(0x10);
            packet.write(body.size());
            packet.writeBytes(body.toByteArray());
            c.assumeVersion(MqttVersion.MQTT_5).sendBytes(packet.toByteArray());
            MqttMessage ack = c.expectClose();
            assertThat(RawMqttClient.reasonCode(ack)).isEqualTo(0x90);
        }
    }

    @Test
    void forbiddenWillTopicIsNotAuthorized() throws IOException {
        try (RawMqttClient c = new RawMqttClient(broker.port("mqtt"))) {
            c.send(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_3_1_1).clientId("will")
                    .username("limited").password("secret".getBytes(StandardCharsets.UTF_8))
                    .willFlag(true).willTopic("forbidden/topic").willMessage("bye".getBytes(StandardCharsets.UTF_8))
                    .build());
            MqttMessage ack = c.expectClose();
            assertThat(RawMqttClient.reasonCode(ack)).isEqualTo(0x05);
        }
    }
}
