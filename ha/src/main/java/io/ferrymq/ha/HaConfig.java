package io.ferrymq.ha;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code ha} section of broker.yaml.
 *
 * @param nodeId          this node's name, unique in the pair
 * @param replication     where this node listens for its standby while it is active
 * @param peer            the other node's replication address, which this node follows while it is standby
 * @param zookeeper       ZooKeeper connect string (the fence: only the node holding the pair's leadership is active)
 * @param cluster         the pair's name, its path in ZooKeeper ({@code /ferrymq/<cluster>})
 * @param failoverTimeout silence after which the peer counts as gone; also the ZooKeeper session timeout
 * @param alonePolicy     what the active does without a standby in sync
 */
public record HaConfig(String nodeId, InetSocketAddress replication, InetSocketAddress peer, String zookeeper,
                       String cluster, Duration failoverTimeout, AlonePolicy alonePolicy) {

    private static final Set<String> KNOWN = Set.of("node-id", "replication", "peer", "zookeeper", "cluster",
            "failover-timeout", "alone-policy");

    public HaConfig {
        Objects.requireNonNull(nodeId, "node-id");
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(zookeeper, "zookeeper");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(alonePolicy, "alone-policy");
        if (failoverTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("ha.failover-timeout must be at least 100ms");
        }
    }

    /**
     * Reads the section as plain values (as YAML gives them).
     *
     * @throws IllegalArgumentException naming the setting that is missing or wrong
     */
    public static HaConfig from(Map<String, Object> section) {
        for (String key : section.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new IllegalArgumentException("unknown setting 'ha." + key + "'; known settings there: "
                        + new java.util.TreeSet<>(KNOWN));
            }
        }
        return new HaConfig(required(section, "node-id"), address(required(section, "replication"), "ha.replication"),
                address(required(section, "peer"), "ha.peer"), required(section, "zookeeper"),
                text(section, "cluster", "ferrymq"), duration(text(section, "failover-timeout", "1s")),
                AlonePolicy.parse(text(section, "alone-policy", "serve")));
    }

    private static String required(Map<String, Object> s, String key) {
        Object v = s.get(key);
        if (v == null || v.toString().isBlank()) {
            throw new IllegalArgumentException("ha." + key + " is missing");
        }
        return v.toString().trim();
    }

    private static String text(Map<String, Object> s, String key, String fallback) {
        Object v = s.get(key);
        return v == null ? fallback : v.toString().trim();
    }

    /** host:port, as written in the configuration. */
    static String text(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    static InetSocketAddress address(String text, String setting) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(setting + " must be host:port, was '" + text + "'");
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return InetSocketAddress.createUnresolved(text.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(setting + " has no valid port: '" + text + "'");
        }
    }

    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("ha.failover-timeout must be a duration like 1s or 800ms, was '" + text + "'");
    }
}
