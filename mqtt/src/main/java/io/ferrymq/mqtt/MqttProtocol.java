package io.ferrymq.mqtt;

import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.ProtocolModule;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;

import java.util.Set;

/**
 * MQTT 3.1, 3.1.1 and 5.0 as a transport protocol: recognised by a CONNECT packet carrying the protocol
 * name {@code MQTT} or {@code MQIsdp}. One {@link MqttHub} per broker holds what connections share:
 * sessions, retained messages, wills and $SYS.
 */
public final class MqttProtocol implements ProtocolModule, AutoCloseable {

    public static final String NAME = "mqtt";
    private static final int MAX_CLIENT_ID_LENGTH = 65_535;

    private final MqttHub hub;

    public MqttProtocol(Broker broker, MqttSettings settings) {
        this.hub = new MqttHub(broker, settings);
    }

    MqttHub hub() {
        return hub;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Detection detect(ByteBuf in) {
        int i = in.readerIndex();
        int end = in.writerIndex();
        if (i >= end) {
            return Detection.NEED_MORE;
        }
        if ((in.getByte(i) & 0xff) != 0x10) {
            return Detection.NO_MATCH;
        }
        i++;
        // Remaining length: one to four bytes, the top bit says another follows.
        for (int n = 0; n < 4; n++) {
            if (i >= end) {
                return Detection.NEED_MORE;
            }
            if ((in.getByte(i++) & 0x80) == 0) {
                break;
            }
            if (n == 3) {
                return Detection.NO_MATCH;
            }
        }
        if (i + 2 > end) {
            return Detection.NEED_MORE;
        }
        int nameLength = in.getUnsignedShort(i);
        i += 2;
        if (nameLength != 4 && nameLength != 6) {
            return Detection.NO_MATCH;
        }
        byte[] expected = nameLength == 4 ? new byte[] {'M', 'Q', 'T', 'T'} : new byte[] {'M', 'Q', 'I', 's', 'd', 'p'};
        for (int k = 0; k < nameLength; k++) {
            if (i + k >= end) {
                return Detection.NEED_MORE;
            }
            if (in.getByte(i + k) != expected[k]) {
                return Detection.NO_MATCH;
            }
        }
        return Detection.MATCH;
    }

    @Override
    public Set<String> websocketSubprotocols() {
        return Set.of("mqtt", "mqttv3.1");
    }

    @Override
    public void initChannel(Channel channel, ConnectionContext context) {
        channel.pipeline().addLast("mqtt-decoder", new MqttDecoder(hub.settings().maxPacketBytes(), MAX_CLIENT_ID_LENGTH));
        channel.pipeline().addLast("mqtt-encoder", MqttEncoder.INSTANCE);
        channel.pipeline().addLast("mqtt", new MqttConnection(hub, context));
    }

    /** Stops the $SYS publisher and pending will and expiry timers. */
    @Override
    public void close() {
        hub.close();
    }
}
