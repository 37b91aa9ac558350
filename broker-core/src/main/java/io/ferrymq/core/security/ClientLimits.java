package io.ferrymq.core.security;

/**
 * What one client may hold of the broker, so that a misbehaving or hostile client cannot exhaust it for the
 * others. Each is 0 for no limit.
 *
 * @param maxConnections            open client connections in all
 * @param maxConnectionsPerUser     open connections logged in as one user
 * @param maxConnectionsPerSource   open connections from one remote IP address
 * @param maxChannelsPerConnection  channels (AMQP 0-9-1), sessions (AMQP 1.0, OpenWire) one connection may open
 * @param maxConsumersPerConnection subscriptions and consumers one connection may hold
 * @param maxQueuesPerUser          queues one user may have created that still exist (counted since the start)
 * @param publishBytesPerSecond     what the broker reads per second from one connection; above it the broker
 *                                  stops reading from it for a while (back-pressure), it drops nothing
 */
public record ClientLimits(int maxConnections, int maxConnectionsPerUser, int maxConnectionsPerSource,
                           int maxChannelsPerConnection, int maxConsumersPerConnection, int maxQueuesPerUser,
                           long publishBytesPerSecond) {

    /** Generous: far above what a well-behaved application uses, far below what exhausts a broker. */
    public static final ClientLimits DEFAULTS = new ClientLimits(100_000, 10_000, 10_000, 2047, 10_000, 100_000, 0);

    /** No limit at all. */
    public static final ClientLimits NONE = new ClientLimits(0, 0, 0, 0, 0, 0, 0);

    public ClientLimits {
        requireNotNegative("max-connections", maxConnections);
        requireNotNegative("max-connections-per-user", maxConnectionsPerUser);
        requireNotNegative("max-connections-per-source", maxConnectionsPerSource);
        requireNotNegative("max-channels-per-connection", maxChannelsPerConnection);
        requireNotNegative("max-consumers-per-connection", maxConsumersPerConnection);
        requireNotNegative("max-queues-per-user", maxQueuesPerUser);
        requireNotNegative("publish-bytes-per-second", publishBytesPerSecond);
        if (maxChannelsPerConnection > 65_535) {
            throw new IllegalArgumentException("max-channels-per-connection must be at most 65535, was "
                    + maxChannelsPerConnection);
        }
    }

    public ClientLimits withMaxConnections(int n) {
        return new ClientLimits(n, maxConnectionsPerUser, maxConnectionsPerSource, maxChannelsPerConnection,
                maxConsumersPerConnection, maxQueuesPerUser, publishBytesPerSecond);
    }

    public ClientLimits withMaxConnectionsPerUser(int n) {
        return new ClientLimits(maxConnections, n, maxConnectionsPerSource, maxChannelsPerConnection,
                maxConsumersPerConnection, maxQueuesPerUser, publishBytesPerSecond);
    }

    public ClientLimits withMaxConnectionsPerSource(int n) {
        return new ClientLimits(maxConnections, maxConnectionsPerUser, n, maxChannelsPerConnection,
                maxConsumersPerConnection, maxQueuesPerUser, publishBytesPerSecond);
    }

    public ClientLimits withMaxChannelsPerConnection(int n) {
        return new ClientLimits(maxConnections, maxConnectionsPerUser, maxConnectionsPerSource, n,
                maxConsumersPerConnection, maxQueuesPerUser, publishBytesPerSecond);
    }

    public ClientLimits withMaxConsumersPerConnection(int n) {
        return new ClientLimits(maxConnections, maxConnectionsPerUser, maxConnectionsPerSource,
                maxChannelsPerConnection, n, maxQueuesPerUser, publishBytesPerSecond);
    }

    public ClientLimits withMaxQueuesPerUser(int n) {
        return new ClientLimits(maxConnections, maxConnectionsPerUser, maxConnectionsPerSource,
                maxChannelsPerConnection, maxConsumersPerConnection, n, publishBytesPerSecond);
    }

    public ClientLimits withPublishBytesPerSecond(long n) {
        return new ClientLimits(maxConnections, maxConnectionsPerUser, maxConnectionsPerSource,
                maxChannelsPerConnection, maxConsumersPerConnection, maxQueuesPerUser, n);
    }

    private static void requireNotNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be 0 (no limit) or more, was " + value);
        }
    }
}
