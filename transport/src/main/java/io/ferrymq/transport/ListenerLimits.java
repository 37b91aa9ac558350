package io.ferrymq.transport;

import java.time.Duration;

/**
 * What one listener allows a connection that is not yet (or no longer) doing useful work, so that stalled or
 * abandoned connections cannot use up the broker's file descriptors.
 *
 * @param handshakeTimeout        on listeners that speak HTTP (the AWS APIs, WebSocket upgrades): the time a
 *                                request header may take to arrive in full, counted from the connection's
 *                                start or from the first byte of a later request on a kept-alive connection
 * @param idleTimeout             on listeners that speak HTTP: how long a kept-alive connection may sit with no
 *                                request in progress (or a request body may stall) before it is closed;
 *                                {@link Duration#ZERO} for no limit
 * @param maxConnectionsPerSource open connections one remote IP address may hold on this listener; further
 *                                ones are refused (HTTP 503 where the listener speaks HTTP). 0 for no limit;
 *                                null for the default: {@value #DEFAULT_HTTP_CONNECTIONS_PER_SOURCE} on listeners
 *                                that speak HTTP, no limit on the others (their protocols have connect
 *                                timeouts of their own)
 */
public record ListenerLimits(Duration handshakeTimeout, Duration idleTimeout, Integer maxConnectionsPerSource) {

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(20);
    /** Longer than the 60 s AWS SDK clients keep an idle connection, so they give it up before the broker does. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(75);
    public static final int DEFAULT_HTTP_CONNECTIONS_PER_SOURCE = 1000;
    public static final ListenerLimits DEFAULTS = new ListenerLimits(null, null, null);

    public ListenerLimits {
        handshakeTimeout = handshakeTimeout == null ? DEFAULT_HANDSHAKE_TIMEOUT : handshakeTimeout;
        idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake-timeout must be positive, was " + handshakeTimeout);
        }
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idle-timeout must not be negative, was " + idleTimeout);
        }
        if (maxConnectionsPerSource != null && maxConnectionsPerSource < 0) {
            throw new IllegalArgumentException("max-connections-per-source must be 0 (no limit) or more, was "
                    + maxConnectionsPerSource);
        }
    }

    /** The per-source limit in force, 0 for none. */
    int perSourceLimit(boolean speaksHttp) {
        if (maxConnectionsPerSource != null) {
            return maxConnectionsPerSource;
        }
        return speaksHttp ? DEFAULT_HTTP_CONNECTIONS_PER_SOURCE : 0;
    }
}
