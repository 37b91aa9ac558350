package io.ferrymq.mqtt;

import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.ProtocolFactory;
import io.ferrymq.transport.ProtocolModule;
import io.ferrymq.transport.config.ConfiguredUsers;
import io.ferrymq.transport.config.ProtocolSection;

/** Registers MQTT with the server and reads its {@code mqtt} section; the defaults are {@link MqttSettings#defaults()}. */
public final class MqttProtocolFactory implements ProtocolFactory<MqttSettings> {

    @Override
    public String name() {
        return MqttProtocol.NAME;
    }

    @Override
    public MqttSettings settings(ProtocolSection s, ConfiguredUsers users) {
        MqttSettings d = MqttSettings.defaults();
        String exchange = s.string("topic-exchange", d.exchange());
        int maxPacket = s.intBytes("max-packet-size", d.maxPacketBytes());
        long keepAlive = seconds(s, "max-keep-alive", d.maxKeepAliveSeconds());
        int receiveMaximum = s.integer("receive-maximum", d.receiveMaximum());
        int maxInflight = s.integer("max-inflight", d.maxInflightToClient());
        int aliasMaximum = s.integer("topic-alias-maximum", d.topicAliasMaximum());
        long expiry = s.has("max-session-expiry") && "never".equalsIgnoreCase(s.string("max-session-expiry", "").trim())
                ? MqttSettings.EXPIRY_NEVER : seconds(s, "max-session-expiry", d.maxSessionExpirySeconds());
        long queued = s.longValue("max-queued-messages", d.maxQueuedMessages());
        long sys = seconds(s, "sys-interval", d.sysIntervalSeconds());
        long connectTimeout = s.millis("connect-timeout", d.connectTimeoutMillis());
        s.rejectUnknown();
        try {
            return d.withExchange(exchange)
                    .withMaxPacketBytes(maxPacket)
                    .withMaxKeepAliveSeconds((int) Math.min(Integer.MAX_VALUE, keepAlive))
                    .withReceiveMaximum(receiveMaximum)
                    .withMaxInflightToClient(maxInflight)
                    .withTopicAliasMaximum(aliasMaximum)
                    .withMaxSessionExpirySeconds(expiry)
                    .withMaxQueuedMessages(queued)
                    .withSysIntervalSeconds((int) Math.min(Integer.MAX_VALUE, sys))
                    .withConnectTimeoutMillis(connectTimeout);
        } catch (IllegalArgumentException e) {
            throw s.error(e.getMessage());
        }
    }

    @Override
    public ProtocolModule create(Broker broker, MqttSettings settings) {
        return new MqttProtocol(broker, settings);
    }

    private static long seconds(ProtocolSection s, String key, long fallbackSeconds) {
        if (!s.has(key)) {
            return fallbackSeconds;
        }
        long millis = s.millis(key, 0);
        if (millis % 1000 != 0) {
            throw s.error(key, "'" + s.string(key, null) + "' must be whole seconds (MQTT counts in seconds)");
        }
        return millis / 1000;
    }
}
