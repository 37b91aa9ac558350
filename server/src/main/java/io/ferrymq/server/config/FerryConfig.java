package io.ferrymq.server.config;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;
import java.util.Map;

/**
 * {@code broker.yaml} as written: every field is optional in the user's file, because the file is merged
 * over the built-in defaults ({@code defaults.yaml} in this package) before it is bound here.
 */
public record FerryConfig(Broker broker, Storage storage, List<Listener> listeners, Security security,
                          List<Policy> policies, List<String> vhosts, List<StreamBridge> streamBridges,
                          @JsonIgnore Map<String, Map<String, Object>> protocols, @JsonIgnore Map<String, Object> ha,
                          Tls tls, Limits limits) {

    /**
     * @param protocols each protocol's section by protocol name, as plain values: the protocol module reads
     *                  and checks it (see {@code ProtocolBuilder}), so the server knows no protocol setting
     * @param ha        the {@code ha} section as plain values (empty: a single broker); the HA module reads it
     */
    public FerryConfig {
        protocols = protocols == null ? Map.of() : Map.copyOf(protocols);
        ha = ha == null ? Map.of() : Map.copyOf(ha);
        streamBridges = streamBridges == null ? List.of() : List.copyOf(streamBridges);
    }

    /** The same configuration with these protocol sections (the loader binds them apart from the rest). */
    public FerryConfig withProtocols(Map<String, Map<String, Object>> sections) {
        return new FerryConfig(broker, storage, listeners, security, policies, vhosts, streamBridges, sections, ha,
                tls, limits);
    }

    /** The same configuration with this {@code ha} section. */
    public FerryConfig withHa(Map<String, Object> section) {
        return new FerryConfig(broker, storage, listeners, security, policies, vhosts, streamBridges, protocols,
                section, tls, limits);
    }

    /** Process-wide settings. */
    public record Broker(Integer ioThreads, Integer workerThreads, String memoryLimit, String expiryScanInterval,
                         String shutdownGrace) { }

    /**
     * Where durable state goes: the journal in {@code data-dir}, or nowhere ({@code type: memory}).
     * {@code encryption}: encryption at rest of the journal, page files and stream logs; unset for none.
     */
    public record Storage(String type, String dataDir, String segmentSize, Boolean fsync, String commitDelay,
                          Integer compactThreshold, Boolean skipCorrupt, String pageFileSize, String minFree,
                          Encryption encryption) { }

    /** {@code storage.encryption}: {@code key-file}, a 256-bit key written by {@code ferrymq keygen}. */
    public record Encryption(String keyFile) { }

    /**
     * A listening socket; several protocols on one TCP port are told apart by their first bytes. The timeouts
     * apply where the listener speaks HTTP (AWS APIs, WebSocket); unset values take the transport's defaults.
     * {@code tls}: {@code true} (or {@code required}) for TLS with the {@code tls} section's certificate,
     * {@code optional} on a listener of several TCP protocols for TLS or plaintext told apart by the first bytes,
     * {@code auto} for TLS when a certificate is configured and no listener at all otherwise, {@code false} or
     * unset for plaintext. {@code tls-certificate} and {@code tls-key} (PEM) give this listener a certificate of its
     * own instead of the {@code tls} section's (another host name on another interface); the section's other
     * settings (protocols, ciphers, client CA, reload) still apply.
     */
    public record Listener(String name, String host, Integer port, List<String> protocols, Boolean websocket,
                           String websocketPath, String maxFrameSize, String handshakeTimeout, String idleTimeout,
                           Integer maxConnectionsPerSource, String tls, String tlsCertificate, String tlsKey) {

        /** The same listener elsewhere (an HA node's dry run binds every listener to a free loopback port). */
        public Listener at(String newHost, int newPort) {
            return new Listener(name, newHost, newPort, protocols, websocket, websocketPath, maxFrameSize,
                    handshakeTimeout, idleTimeout, maxConnectionsPerSource, tls, tlsCertificate, tlsKey);
        }

        /** Whether this listener names a certificate of its own. */
        public boolean ownCertificate() {
            return tlsCertificate != null || tlsKey != null;
        }
    }

    /**
     * The broker's certificate for TLS listeners, and what it asks of clients. Paths are relative to the directory
     * the broker is started from; passwords may be written as {@code env:NAME} or {@code file:path} to keep them
     * out of this file.
     */
    public record Tls(String certificate, String key, String keyPassword, String keystore, String keystorePassword,
                      String clientCa, String clientAuth, List<String> protocols, List<String> ciphers,
                      String reloadCheck, String handshakeTimeout, List<ClientUser> clientUsers) {

        public boolean configured() {
            return certificate != null || key != null || keystore != null;
        }

        /** These settings with another certificate and key (a listener's own), in place of this section's. */
        public Tls withCertificate(String newCertificate, String newKey) {
            return new Tls(newCertificate, newKey, null, null, null, clientCa, clientAuth, protocols, ciphers,
                    reloadCheck, handshakeTimeout, clientUsers);
        }
    }

    /**
     * What one client may hold of the broker (0: no limit): connections in all, per user and per source address,
     * channels or sessions and subscriptions per connection, queues per user, and the bytes per second read from
     * one connection (a size like {@code 1MiB}; above it the broker stops reading from it for a while).
     */
    public record Limits(Integer maxConnections, Integer maxConnectionsPerUser, Integer maxConnectionsPerSource,
                         Integer maxChannelsPerConnection, Integer maxConsumersPerConnection, Integer maxQueuesPerUser,
                         String publishBytesPerSecond) { }

    /** Maps a client certificate to a broker user: a regex over the subject DN or over a SAN, and the user. */
    public record ClientUser(String subject, String san, String user) { }

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

    /**
     * Messages routed to an exchange with a binding pattern, appended to a stream (created if missing): for
     * example MQTT telemetry into a Kinesis stream. {@code mqtt-topic-filter} is the MQTT way to give the
     * pattern on {@code amq.topic}; {@code partition-key} is {@code topic} (the MQTT topic: the routing key with
     * MQTT's {@code /}), {@code routing-key}, or {@code property:NAME}.
     */
    public record StreamBridge(String name, String vhost, String exchange, String pattern, String mqttTopicFilter,
                               String stream, Integer shards, String partitionKey) { }
}
