package io.ferrymq.mqtt;

import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;

import java.util.List;

/**
 * Builds the acknowledgement packets, with MQTT 5 reason codes and reason strings only where the
 * version has them (the encoder writes what the packet holds).
 */
final class Packets {

    private Packets() {
    }

    static MqttProperties reason(boolean v5, String reasonString) {
        MqttProperties p = new MqttProperties();
        if (v5 && reasonString != null) {
            p.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, truncate(reasonString)));
        }
        return p;
    }

    private static String truncate(String s) {
        return s.length() > 1000 ? s.substring(0, 1000) : s;
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP. */
    static MqttMessage pubReply(MqttMessageType type, int packetId, byte reasonCode, boolean v5, String reasonString) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, v5 ? reasonCode : 0, reason(v5, reasonString)));
    }

    static MqttSubAckMessage subAck(int packetId, List<Integer> codes, boolean v5, String reasonString) {
        int[] c = codes.stream().mapToInt(Integer::intValue).toArray();
        return new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, reason(v5, reasonString)), new MqttSubAckPayload(c));
    }

    static MqttUnsubAckMessage unsubAck(int packetId, List<Short> codes, boolean v5) {
        return new MqttUnsubAckMessage(new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                v5 ? new MqttUnsubAckPayload(codes) : null);
    }

    static MqttMessage disconnect(byte reasonCode, String reasonString) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttReasonCodeAndPropertiesVariableHeader(reasonCode, reason(true, reasonString)));
    }

    static final MqttMessage PINGRESP = new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false,
            MqttQoS.AT_MOST_ONCE, false, 0));
}
