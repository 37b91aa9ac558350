package io.ferrymq.mqtt;

import io.ferrymq.core.message.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A message's PUBLISH packet encoded once for all the subscribers that receive it in the same {@link Shape},
 * kept with the message ({@link Message#encodedFor}); each delivery is then a copy of those bytes with its
 * packet id written in, instead of a fresh encoding. This is what makes a topic fan-out cheap: the encoder
 * runs once per message, not once per subscriber.
 *
 * <p>The shared encoding is made at a message's second delivery in a shape: one delivered once (a topic with
 * one subscriber, a queue) is encoded the ordinary way, since encoding it for sharing and then copying it would
 * cost more than it saves; measured, that first version made single-subscriber QoS 1 about a fifth dearer.
 *
 * <p>Only deliveries whose packet depends on nothing but the message and the shape take this path: no topic
 * alias, no expiry countdown, not too large a body; and not a resend (DUP), which the caller rules out.
 */
final class SharedPublish {

    /** Bodies above this are not kept twice in memory (once as the body, once inside the packet). */
    static final int MAX_SHARED_BODY = 64 * 1024;

    /**
     * Everything the bytes of a PUBLISH depend on besides the message itself. Subscription identifiers are
     * part of it because clients number their own subscriptions (the HiveMQ client starts each at 1), so a
     * fan-out to many like clients still shares one encoding.
     */
    record Shape(boolean v5, int qos, boolean retain, String topic, List<Integer> subscriptionIds) {
    }

    /**
     * The version Netty's encoder reads from the channel (set by its decoder at CONNECT); the encoder has no
     * other way to be told, and {@code SharedPublishTest} fails if the name ever changes.
     */
    private static final AttributeKey<MqttVersion> NETTY_MQTT_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    /** One encoding channel per thread and version: Netty's encoder is used as is, outside any connection. */
    private static final FastThreadLocal<EmbeddedChannel[]> ENCODERS = new FastThreadLocal<>() {
        @Override
        protected EmbeddedChannel[] initialValue() {
            return new EmbeddedChannel[] {encoder(MqttVersion.MQTT_3_1_1), encoder(MqttVersion.MQTT_5)};
        }
    };

    /** The deliveries of one message in one shape so far, and the shared encoding once there is a second. */
    private static final class Slot {
        final AtomicInteger deliveries = new AtomicInteger();
        volatile SharedPublish encoded;
    }

    private final byte[] packet;
    /** Where the packet id goes, or -1 at QoS 0 (which has none). */
    private final int packetIdOffset;

    private SharedPublish(byte[] packet, int packetIdOffset) {
        this.packet = packet;
        this.packetIdOffset = packetIdOffset;
    }

    /** Whether a delivery of {@code m} may use the shared encoding; see the class comment. */
    static boolean applies(Message m, boolean v5, boolean aliasing) {
        return m.body().length <= MAX_SHARED_BODY && (!v5 || !aliasing && m.expiration() == 0);
    }

    /**
     * The shared encoding for this delivery of {@code m} in {@code shape}, or null for the message's first
     * delivery in that shape, which the caller encodes the ordinary way.
     */
    static SharedPublish forDelivery(Message m, Shape shape) {
        Slot slot = m.encodedFor(shape, s -> new Slot());
        if (slot.deliveries.getAndIncrement() == 0) {
            return null;
        }
        SharedPublish shared = slot.encoded;
        if (shared == null) {
            // Racing deliveries on other event loops may each encode once; any of the equal results will do.
            shared = encode(m, shape);
            slot.encoded = shared;
        }
        return shared;
    }

    /** This delivery's packet: a copy of the shared bytes carrying {@code packetId} (ignored at QoS 0). */
    ByteBuf packetFor(ByteBufAllocator alloc, int packetId) {
        ByteBuf buf = alloc.ioBuffer(packet.length);
        buf.writeBytes(packet);
        if (packetIdOffset >= 0) {
            buf.setShort(packetIdOffset, packetId);
        }
        return buf;
    }

    int length() {
        return packet.length;
    }

    static SharedPublish encode(Message m, Shape s) {
        MqttProperties props = s.v5() ? MessageMapping.properties(m, 0, s.subscriptionIds()) : MqttProperties.NO_PROPERTIES;
        // A placeholder id (the encoder refuses 0 at QoS 1 and 2); each delivery writes its own over it.
        int placeholder = s.qos() > 0 ? 1 : 0;
        MqttPublishMessage publish = new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(s.qos()), s.retain(), 0),
                new MqttPublishVariableHeader(s.topic(), placeholder, props), Unpooled.wrappedBuffer(m.body()));
        EmbeddedChannel channel = ENCODERS.get()[s.v5() ? 1 : 0];
        channel.writeOutbound(publish);
        ByteBuf encoded = channel.readOutbound();
        try {
            byte[] bytes = ByteBufUtil.getBytes(encoded);
            return new SharedPublish(bytes, s.qos() > 0 ? packetIdOffset(bytes) : -1);
        } finally {
            encoded.release();
        }
    }

    /** After the fixed header (type byte, remaining length as a variable byte integer) and the topic name. */
    private static int packetIdOffset(byte[] packet) {
        int i = 1;
        while ((packet[i] & 0x80) != 0) {
            i++;
        }
        i++;
        int topicLength = ((packet[i] & 0xFF) << 8) | (packet[i + 1] & 0xFF);
        return i + 2 + topicLength;
    }

    private static EmbeddedChannel encoder(MqttVersion version) {
        EmbeddedChannel channel = new EmbeddedChannel(MqttEncoder.INSTANCE);
        channel.attr(NETTY_MQTT_VERSION).set(version);
        return channel;
    }
}
