package io.ferrymq.core.security;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts the open client connections, in all, per user and per source address, and refuses one past
 * {@link ClientLimits}. A connection is counted from its first session to its last (an HTTP connection may act
 * for several users, each counted once for it); sessions opened in-process (no remote address) are not
 * connections and are not counted. Logins are rare next to messages, so one lock is enough.
 */
public final class ConnectionCounter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCounter.class);

    private final ClientLimits limits;
    private final Map<Long, Connection> connections = new HashMap<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private final Map<InetAddress, Integer> perSource = new HashMap<>();

    public ConnectionCounter(ClientLimits limits) {
        this.limits = limits;
    }

    /**
     * Counts a session of {@code client} acting as {@code user}.
     *
     * @throws BrokerException RESOURCE_LIMIT_EXCEEDED when the connection would pass a limit; nothing is counted
     */
    public synchronized void admit(ClientInfo client, String user) {
        if (client.remote() == null) {
            // In-process: the broker's own work for a user (SNS deliveries, move tasks), not a client's connection.
            return;
        }
        Connection c = connections.get(client.connectionId());
        InetAddress source = sourceOf(client);
        if (c == null) {
            check(connections.size(), limits.maxConnections(), client, user, "the broker already has %d connections,"
                    + " its limit (limits.max-connections)");
            if (source != null) {
                check(perSource.getOrDefault(source, 0), limits.maxConnectionsPerSource(), client, user,
                        "this address already has %d connections, its limit (limits.max-connections-per-source)");
            }
        }
        boolean newUser = c == null || !c.users.containsKey(user);
        if (newUser) {
            check(perUser.getOrDefault(user, 0), limits.maxConnectionsPerUser(), client, user,
                    "user '" + user + "' already has %d connections, its limit (limits.max-connections-per-user)");
        }
        if (c == null) {
            c = new Connection(source);
            connections.put(client.connectionId(), c);
            if (source != null) {
                perSource.merge(source, 1, Integer::sum);
            }
        }
        if (newUser) {
            perUser.merge(user, 1, Integer::sum);
        }
        c.users.merge(user, 1, Integer::sum);
    }

    /** Forgets a session counted by {@link #admit}; the connection's count goes with its last session. */
    public synchronized void release(long connectionId, String user) {
        Connection c = connections.get(connectionId);
        if (c == null || c.users.computeIfPresent(user, (u, n) -> n == 1 ? null : n - 1) != null) {
            return;
        }
        decrement(perUser, user);
        if (c.users.isEmpty()) {
            connections.remove(connectionId);
            if (c.source != null) {
                decrement(perSource, c.source);
            }
        }
    }

    public synchronized int connections() {
        return connections.size();
    }

    private static void check(int held, int limit, ClientInfo client, String user, String reason) {
        if (limit > 0 && held >= limit) {
            String message = "connection refused: " + reason.formatted(held);
            // Debug only: the adapter logs the refusal it answers with, the one line per refused connection.
            LOG.debug("Refused a {} connection of user '{}' from {}: {}", client.protocol(), user, client.remote(),
                    message);
            throw new BrokerException(ErrorCode.RESOURCE_LIMIT_EXCEEDED, message);
        }
    }

    private static <K> void decrement(Map<K, Integer> counts, K key) {
        counts.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
    }

    private static InetAddress sourceOf(ClientInfo client) {
        return client.remote() instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    private static final class Connection {
        final InetAddress source;
        final Map<String, Integer> users = new HashMap<>(2);

        Connection(InetAddress source) {
            this.source = source;
        }
    }
}
