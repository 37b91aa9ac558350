package io.ferrymq.bench.driver;

import java.util.Map;
import java.util.Objects;

/**
 * Where and how to reach a broker, with nothing broker specific: the same load runs unchanged against
 * any broker that speaks the protocol.
 *
 * @param virtualHost      STOMP {@code host} header (a virtual host); null to send the host name
 * @param queuePrefix      prefix that makes a name a queue, for example {@code /queue/}
 * @param topicPrefix      prefix that makes a name a topic, for example {@code /topic/}
 * @param subscribeHeaders extra headers on every subscription (broker-specific prefetch, for example)
 * @param tls              the CA to trust when connecting over TLS; null for plaintext
 */
public record Endpoint(String host, int port, String username, String password, String virtualHost,
                       String queuePrefix, String topicPrefix, Map<String, String> subscribeHeaders, TlsTrust tls) {

    /** A plaintext endpoint. */
    public Endpoint(String host, int port, String username, String password, String virtualHost,
                    String queuePrefix, String topicPrefix, Map<String, String> subscribeHeaders) {
        this(host, port, username, password, virtualHost, queuePrefix, topicPrefix, subscribeHeaders, null);
    }

    public Endpoint {
        Objects.requireNonNull(host, "host");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
        queuePrefix = queuePrefix == null ? "" : queuePrefix;
        topicPrefix = topicPrefix == null ? "" : topicPrefix;
        subscribeHeaders = subscribeHeaders == null ? Map.of() : Map.copyOf(subscribeHeaders);
    }

    /** FerryMQ's defaults: loopback, STOMP port 61613, guest/guest, RabbitMQ-style prefixes. */
    public static Endpoint stompDefaults() {
        return new Endpoint("127.0.0.1", 61613, "guest", "guest", null, "/queue/", "/topic/", Map.of());
    }

    /** The protocol-level destination for a plain name, for example {@code /queue/bench.1}. */
    public String destination(DestinationKind kind, String name) {
        return (kind == DestinationKind.QUEUE ? queuePrefix : topicPrefix) + name;
    }
}
