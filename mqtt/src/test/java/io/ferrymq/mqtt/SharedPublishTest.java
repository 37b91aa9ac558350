package io.ferrymq.mqtt;

import io.ferrymq.core.message.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared PUBLISH bytes, read back by Netty's own decoder as a client of each version would see them. */
class SharedPublishTest {

    private final Message message = Message.builder()
            .body("reading: 21.5".getBytes(StandardCharsets.UTF_8))
            .contentType("text/plain")
            .property("site", "north")
            .build();

    @Test
    void anMqtt5PacketCarriesTheMessagePropertiesAndEachDeliverysOwnPacketId() {
        SharedPublish shared = SharedPublish.encode(message, new SharedPublish.Shape(true, 1, false, "plant/1/temp", List.of(4)));

        MqttPublishMessage first = decode(MqttVersion.MQTT_5, shared.packetFor(ByteBufAllocator.DEFAULT, 7));
        MqttPublishMessage second = decode(MqttVersion.MQTT_5, shared.packetFor(ByteBufAllocator.DEFAULT, 65_535));
        try {
            assertThat(first.variableHeader().packetId()).isEqualTo(7);
            assertThat(second.variableHeader().packetId()).isEqualTo(65_535);
            assertThat(first.fixedHeader().qosLevel().value()).isEqualTo(1);
            assertThat(first.variableHeader().topicName()).isEqualTo("plant/1/temp");
            MqttProperties props = first.variableHeader().properties();
            assertThat(props.getProperty(MqttProperties.CONTENT_TYPE).value()).isEqualTo("text/plain");
            assertThat(props.getProperties(MqttProperties.USER_PROPERTY).toString()).contains("site", "north");
            assertThat(props.getProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER).value()).isEqualTo(4);
            assertThat(first.payload().toString(StandardCharsets.UTF_8)).isEqualTo("reading: 21.5");
        } finally {
            first.release();
            second.release();
        }
    }

    @Test
    void anMqtt311PacketAtQos0HasNoPacketIdAndTheRetainFlagOfItsShape() {
        SharedPublish shared = SharedPublish.encode(message, new SharedPublish.Shape(false, 0, true, "plant/1/temp", List.of()));

        MqttPublishMessage publish = decode(MqttVersion.MQTT_3_1_1, shared.packetFor(ByteBufAllocator.DEFAULT, 0));
        try {
            assertThat(publish.fixedHeader().qosLevel().value()).isZero();
            assertThat(publish.fixedHeader().isRetain()).isTrue();
            assertThat(publish.variableHeader().topicName()).isEqualTo("plant/1/temp");
            assertThat(publish.payload().toString(StandardCharsets.UTF_8)).isEqualTo("reading: 21.5");
        } finally {
            publish.release();
        }
    }

    @Test
    void aShapesFirstDeliveryIsEncodedAsUsualAndLaterOnesShareOneEncoding() {
        SharedPublish.Shape v5 = new SharedPublish.Shape(true, 1, false, "t", List.of());
        SharedPublish.Shape v3 = new SharedPublish.Shape(false, 1, false, "t", List.of());
        assertThat(SharedPublish.forDelivery(message, v5)).as("first delivery in this shape").isNull();
        SharedPublish second = SharedPublish.forDelivery(message, v5);
        assertThat(second).isNotNull();
        assertThat(SharedPublish.forDelivery(message, v5)).isSameAs(second);
        assertThat(SharedPublish.forDelivery(message, v3)).as("first delivery in another shape").isNull();
        assertThat(SharedPublish.forDelivery(message, v3)).isNotNull().isNotSameAs(second);
    }

    @Test
    void deliveriesThatDependOnMoreThanTheMessageAreNotShared() {
        Message expiring = message.toBuilder().expiration(System.currentTimeMillis() + 60_000).build();
        assertThat(SharedPublish.applies(message, true, false)).isTrue();
        assertThat(SharedPublish.applies(expiring, true, false)).as("an expiry countdown").isFalse();
        assertThat(SharedPublish.applies(expiring, false, false)).as("3.1.1 carries no expiry").isTrue();
        assertThat(SharedPublish.applies(message, true, true)).as("topic aliases").isFalse();
        Message big = message.toBuilder().body(new byte[SharedPublish.MAX_SHARED_BODY + 1]).build();
        assertThat(SharedPublish.applies(big, false, false)).isFalse();
    }

    /** Decodes as a server would after a CONNECT of {@code version}, which is how Netty's decoder learns it. */
    private static MqttPublishMessage decode(MqttVersion version, ByteBuf packet) {
        EmbeddedChannel client = new EmbeddedChannel(MqttEncoder.INSTANCE);
        MqttConnectMessage connect = MqttMessageBuilders.connect().clientId("c").protocolVersion(version).build();
        client.writeOutbound(connect);
        ByteBuf connectBytes = client.readOutbound();
        EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder());
        decoder.writeInbound(connectBytes);
        decoder.<Object>readInbound();
        decoder.writeInbound(packet);
        MqttPublishMessage publish = decoder.readInbound();
        assertThat(publish.decoderResult().isSuccess()).as("%s", publish.decoderResult()).isTrue();
        return publish;
    }
}
