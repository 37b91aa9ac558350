package io.ferrymq.aws.internal;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.security.BrokerPrincipal;
import io.ferrymq.core.security.ClientInfo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Sessions the AWS module opens for its own background work (message move tasks, SNS deliveries), each
 * acting for the user that set that work up so that the broker's permissions still apply. Their futures
 * and deliveries run on one serial executor on the broker's worker pool.
 */
public final class SystemSessions implements AutoCloseable {

    private final Broker broker;
    private final Executor executor;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<io.ferrymq.core.queue.Subscription, Consumer<Delivery>> consumers = new ConcurrentHashMap<>();
    private final long connectionId;

    public SystemSessions(Broker broker) {
        this.broker = broker;
        this.executor = broker.newSerialExecutor();
        this.connectionId = broker.newConnectionId();
    }

    public Executor executor() {
        return executor;
    }

    /** The session of a user in a vhost. */
    public Session session(String vhost, String user) {
        return sessions.compute(vhost + "\u0000" + user, (k, s) -> {
            if (s != null && !s.isClosed()) {
                return s;
            }
            BrokerPrincipal p = broker.principalOf(user)
                    .orElseThrow(() -> BrokerException.unauthorized("user '" + user + "' is not configured"));
            return broker.openAuthenticated(vhost, p, new ClientInfo(connectionId, "aws-internal", null, "aws", null),
                    new Sink());
        });
    }

    /**
     * Routes push deliveries of a subscription to a handler (SNS HTTP delivery workers). Register it before
     * granting the subscription credit.
     */
    public void onDeliveries(io.ferrymq.core.queue.Subscription subscription, Consumer<Delivery> handler) {
        consumers.put(subscription, handler);
    }

    public void forget(io.ferrymq.core.queue.Subscription subscription) {
        consumers.remove(subscription);
    }

    @Override
    public void close() {
        sessions.values().forEach(Session::close);
        sessions.clear();
    }

    private final class Sink implements DeliverySink {
        @Override
        public Executor executor() {
            return executor;
        }

        @Override
        public void deliver(Delivery delivery) {
            Consumer<Delivery> c = delivery.subscription() == null ? null : consumers.get(delivery.subscription());
            if (c != null) {
                c.accept(delivery);
            }
        }
    }
}
