package io.ferrymq.mqtt;

/**
 * MQTT listener behaviour.
 *
 * @param exchange                 the topic exchange MQTT topics live on, shared with the other protocols
 * @param maxPacketBytes           largest packet accepted (and announced to MQTT 5 clients)
 * @param maxKeepAliveSeconds      a client asking for longer (or for none) gets this (MQTT 5 server keep alive); 0 for no cap
 * @param receiveMaximum           unacknowledged QoS 1 and 2 publishes a client may have in flight to the broker
 * @param maxInflightToClient      unacknowledged QoS 1 and 2 publishes the broker sends a client (capped by the client's receive maximum)
 * @param topicAliasMaximum        topic aliases a client may use towards the broker
 * @param maxSessionExpirySeconds  longest session expiry granted; {@link #EXPIRY_NEVER} for "never"
 * @param maxQueuedMessages        messages kept for a disconnected persistent session; older ones are dropped first
 * @param sysIntervalSeconds       how often $SYS topics are published; 0 to switch them off
 * @param connectTimeoutMillis     a connection must send CONNECT within this time
 */
public record MqttSettings(String exchange, int maxPacketBytes, int maxKeepAliveSeconds, int receiveMaximum,
                           int maxInflightToClient, int topicAliasMaximum, long maxSessionExpirySeconds,
                           long maxQueuedMessages, int sysIntervalSeconds, long connectTimeoutMillis) {

    public static final long EXPIRY_NEVER = 0xFFFFFFFFL;

    public MqttSettings {
        if (exchange == null || exchange.isBlank()) {
            throw new IllegalArgumentException("the MQTT topic exchange needs a name");
        }
        if (maxPacketBytes < 1024 || maxPacketBytes > 268_435_455) {
            throw new IllegalArgumentException("max packet size must be between 1 KiB and 256 MiB");
        }
        if (maxKeepAliveSeconds < 0 || maxKeepAliveSeconds > 65_535) {
            throw new IllegalArgumentException("max keep-alive must be between 0 and 65535 seconds");
        }
        if (receiveMaximum < 1 || receiveMaximum > 65_535 || maxInflightToClient < 1 || maxInflightToClient > 65_535) {
            throw new IllegalArgumentException("receive maximum and in-flight window must be between 1 and 65535");
        }
        if (topicAliasMaximum < 0 || topicAliasMaximum > 65_535) {
            throw new IllegalArgumentException("topic alias maximum must be between 0 and 65535");
        }
        if (maxSessionExpirySeconds < 0 || maxSessionExpirySeconds > EXPIRY_NEVER) {
            throw new IllegalArgumentException("max session expiry must be between 0 and 4294967295 seconds");
        }
        if (maxQueuedMessages < 1) {
            throw new IllegalArgumentException("max queued messages must be at least 1");
        }
        if (sysIntervalSeconds < 0 || connectTimeoutMillis < 1) {
            throw new IllegalArgumentException("$SYS interval must not be negative and connect timeout must be positive");
        }
    }

    public static MqttSettings defaults() {
        return new MqttSettings("amq.topic", 16 * 1024 * 1024, 0, 256, 256, 64, EXPIRY_NEVER, 100_000, 10, 30_000);
    }

    public MqttSettings withSysIntervalSeconds(int v) {
        return new MqttSettings(exchange, maxPacketBytes, maxKeepAliveSeconds, receiveMaximum, maxInflightToClient,
                topicAliasMaximum, maxSessionExpirySeconds, maxQueuedMessages, v, connectTimeoutMillis);
    }

    public MqttSettings withMaxPacketBytes(int v) {
        return new MqttSettings(exchange, v, maxKeepAliveSeconds, receiveMaximum, maxInflightToClient,
                topicAliasMaximum, maxSessionExpirySeconds, maxQueuedMessages, sysIntervalSeconds, connectTimeoutMillis);
    }

    public MqttSettings withMaxKeepAliveSeconds(int v) {
        return new MqttSettings(exchange, maxPacketBytes, v, receiveMaximum, maxInflightToClient, topicAliasMaximum,
                maxSessionExpirySeconds, maxQueuedMessages, sysIntervalSeconds, connectTimeoutMillis);
    }

    public MqttSettings withReceiveMaximum(int v) {
        return new MqttSettings(exchange, maxPacketBytes, maxKeepAliveSeconds, v, maxInflightToClient,
                topicAliasMaximum, maxSessionExpirySeconds, maxQueuedMessages, sysIntervalSeconds, connectTimeoutMillis);
    }

    public MqttSettings withMaxQueuedMessages(long v) {
        return new MqttSettings(exchange, maxPacketBytes, maxKeepAliveSeconds, receiveMaximum, maxInflightToClient,
                topicAliasMaximum, maxSessionExpirySeconds, v, sysIntervalSeconds, connectTimeoutMillis);
    }

    public MqttSettings withConnectTimeoutMillis(long v) {
        return new MqttSettings(exchange, maxPacketBytes, maxKeepAliveSeconds, receiveMaximum, maxInflightToClient,
                topicAliasMaximum, maxSessionExpirySeconds, maxQueuedMessages, sysIntervalSeconds, v);
    }

    public MqttSettings withExchange(String v) {
        return new MqttSettings(v, maxPacketBytes, maxKeepAliveSeconds, receiveMaximum, maxInflightToClient,
                topicAliasMaximum, maxSessionExpirySeconds, maxQueuedMessages, sysIntervalSeconds, connectTimeoutMillis);
    }

    public MqttSettings withMaxInflightToClient(int v) {
        return new MqttSettings(exchange, maxPacketBytes, maxKeepAliveSeconds, receiveMaximum, v, topicAliasMaximum,
                maxSessionExpirySeconds, maxQueuedMessages, sysIntervalSeconds, connectTimeoutMillis);
    }

    public MqttSettings withTopicAliasMaximum(int v) {
        return new MqttSettings(exchange, maxPacketBytes, maxKeepAliveSeconds, receiveMaximum, maxInflightToClient, v,
                maxSessionExpirySeconds, maxQueuedMessages, sysIntervalSeconds, connectTimeoutMillis);
    }

    public MqttSettings withMaxSessionExpirySeconds(long v) {
        return new MqttSettings(exchange, maxPacketBytes, maxKeepAliveSeconds, receiveMaximum, maxInflightToClient,
                topicAliasMaximum, v, maxQueuedMessages, sysIntervalSeconds, connectTimeoutMillis);
    }
}
