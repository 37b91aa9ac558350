package io.ferrymq.server.config;

import java.util.List;
import java.util.Map;

/**
 * {@code broker.yaml} as written: every field is optional in the user's file, because the file is merged
 * over the built-in defaults ({@code defaults.yaml} in this package) before it is bound here.
 */
public record FerryConfig(Broker broker, Storage storage, List<Listener> listeners, Stomp stomp, Mqtt mqtt, Amqp amqp,
                          Aws aws,
                          Security security, List<Policy> policies, List<String> vhosts) {

    /** Process-wide settings. */
    public record Broker(Integer ioThreads, Integer workerThreads, String memoryLimit, String expiryScanInterval,
                         String shutdownGrace) { }

    /** Where durable state goes: the journal in {@code data-dir}, or nowhere ({@code type: memory}). */
    public record Storage(String type, String dataDir, String segmentSize, Boolean fsync, String commitDelay,
                          Integer compactThreshold, Boolean skipCorrupt, String pageFileSize, String minFree) { }

    /**
     * A listening socket; several protocols on one TCP port are told apart by their first bytes. The timeouts
     * apply where the listener speaks HTTP (AWS APIs, WebSocket); unset values take the transport's defaults.
     */
    public record Listener(String name, String host, Integer port, List<String> protocols, Boolean websocket,
                           String websocketPath, String maxFrameSize, String handshakeTimeout, String idleTimeout,
                           Integer maxConnectionsPerSource) { }

    public record Stomp(String maxFrameSize, Integer maxHeaders, String maxHeaderLine, String minHeartBeat,
                        String connectTimeout, Integer defaultPrefetch, Integer maxPendingSends) { }

    /** MQTT 3.1, 3.1.1 and 5; {@code max-session-expiry} is a duration or {@code never}. */
    public record Mqtt(String topicExchange, String maxPacketSize, String maxKeepAlive, Integer receiveMaximum,
                       Integer maxInflight, Integer topicAliasMaximum, String maxSessionExpiry,
                       Long maxQueuedMessages, String sysInterval, String connectTimeout) { }

    /** AMQP 1.0. */
    public record Amqp(String maxFrameSize, Integer channelMax, String idleTimeout, Boolean allowAnonymous,
                       String connectTimeout, Integer producerCredit, String maxMessageSize,
                       Integer sessionWindowFrames, Integer consumerWindow) { }

    /** The SQS and SNS HTTP APIs. */
    public record Aws(String maxMessageSize, String queueUrlBase, String region, String defaultAccount,
                      Map<String, String> accountVhosts, Boolean strictSignatures, List<AccessKey> accessKeys,
                      String defaultUser, Boolean allowRemoteUnsigned, String maxClockSkew, String publicBaseUrl,
                      String httpDeliveryTimeout) { }

    /** An AWS access key: requests signed with it act as broker user {@code user} in {@code account}. */
    public record AccessKey(String id, String secret, String user, String account) { }

    public record Security(Integer passwordIterations, String anonymousUser, List<User> users,
                           List<Permission> permissions) { }

    /** A user, with a plain {@code password} (hashed at load) or a {@code password-hash}. */
    public record User(String name, String password, String passwordHash, List<String> roles, Boolean loopbackOnly) { }

    public record Permission(String vhost, String match, List<String> actions, List<String> roles, List<String> users) { }

    public record Policy(String match, String deadLetterQueue, String deadLetterExchange, String deadLetterRoutingKey,
                         String expiryQueue, String expiryExchange, String expiryRoutingKey, Integer maxDeliveries,
                         String messageTtl, Long maxLength, String maxBytes, String overflow, String redeliveryDelay,
                         Boolean autoCreateQueues, Boolean singleActiveConsumer, String maxMemory,
                         String memoryFull) { }
}
