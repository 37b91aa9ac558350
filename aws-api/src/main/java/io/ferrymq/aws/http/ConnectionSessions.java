package io.ferrymq.aws.http;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.security.BrokerPrincipal;
import io.ferrymq.core.security.ClientInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The broker sessions of one HTTP connection, one per (virtual host, user): HTTP requests are
 * stateless, but opening a session per request would be wasteful. Touched only on the connection's
 * event loop. SQS pulls use leases, so what a connection received stays valid after it closes.
 */
final class ConnectionSessions implements DeliverySink {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionSessions.class);

    private final Broker broker;
    private final ClientInfo client;
    private final Executor executor;
    private final Map<String, Session> sessions = new HashMap<>();

    ConnectionSessions(Broker broker, ClientInfo client, Executor executor) {
        this.broker = broker;
        this.client = client;
        this.executor = executor;
    }

    Session session(String vhost, BrokerPrincipal principal) {
        String key = vhost + "\u0000" + principal.name();
        Session s = sessions.get(key);
        if (s == null || s.isClosed()) {
            s = broker.openAuthenticated(vhost, principal, client, this);
            sessions.put(key, s);
        }
        return s;
    }

    void closeAll() {
        sessions.values().forEach(Session::close);
        sessions.clear();
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public void deliver(Delivery delivery) {
        LOG.warn("Unexpected push delivery from queue '{}' on an HTTP connection", delivery.queueName());
    }

    @Override
    public void subscriptionClosed(io.ferrymq.core.queue.Subscription subscription, BrokerException reason) {
    }
}
