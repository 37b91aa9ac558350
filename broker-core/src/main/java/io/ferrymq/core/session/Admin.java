package io.ferrymq.core.session;

import io.ferrymq.core.BrokerException;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.core.routing.Exchange;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import io.ferrymq.core.vhost.QueueInfo;
import io.ferrymq.core.vhost.VirtualHost;

import java.util.concurrent.CompletableFuture;

/**
 * Declarations and deletions on behalf of a session, checked against its principal's permissions.
 * Futures complete when the change is stored (durable objects) and on the session's executor.
 */
public final class Admin {

    private final Session session;

    Admin(Session session) {
        this.session = session;
    }

    private VirtualHost vhost() {
        return session.vhost();
    }

    /** Creates a queue, or checks the existing one is equivalent (passive: only that it exists). */
    public CompletableFuture<QueueInfo> declareQueue(QueueDeclaration d) {
        try {
            session.ensureOpen();
            if (!d.passive()) {
                Session.refuseReservedQueueName(d.name());
                if (!d.name().isEmpty()) {
                    session.require(Permission.CREATE, d.name());
                }
            }
            VirtualHost.Declared<Queue> declared = vhost().declareQueue(d, session.connectionId());
            Queue q = declared.value();
            return session.onSink(declared.stored().thenApply(v ->
                    new QueueInfo(q.name(), q.stats().total() - q.stats().inFlight(), q.consumerCount())));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** @return how many messages the queue held */
    public CompletableFuture<Long> deleteQueue(String name, boolean ifUnused, boolean ifEmpty) {
        try {
            session.ensureOpen();
            session.require(Permission.DELETE, name);
            return session.onSink(vhost().deleteQueue(name, ifUnused, ifEmpty, session.connectionId()));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Removes the queue's ready messages. @return how many */
    public CompletableFuture<Long> purgeQueue(String name) {
        try {
            session.ensureOpen();
            session.require(Permission.DELETE, name);
            Queue q = session.requireQueue(name);
            if (q.exclusive() && q.exclusiveOwner() != session.connectionId()) {
                throw BrokerException.locked("queue '" + name + "' is exclusive to another connection");
            }
            return session.onSink(q.purge(false));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public CompletableFuture<Void> declareExchange(ExchangeDeclaration d) {
        try {
            session.ensureOpen();
            if (!d.passive()) {
                session.require(Permission.CREATE, d.name());
            }
            VirtualHost.Declared<Exchange> declared = vhost().declareExchange(d);
            return session.onSink(declared.stored());
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public CompletableFuture<Void> deleteExchange(String name, boolean ifUnused) {
        try {
            session.ensureOpen();
            session.require(Permission.DELETE, name);
            return session.onSink(vhost().deleteExchange(name, ifUnused));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Binding reads from the exchange (consume on it) and configures the target (create on it). */
    public CompletableFuture<Void> bind(BindingDeclaration d) {
        try {
            checkBinding(d);
            return session.onSink(vhost().bind(d));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public CompletableFuture<Void> unbind(BindingDeclaration d) {
        try {
            checkBinding(d);
            return session.onSink(vhost().unbind(d));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Whether the queue exists (what a passive declare tells, without a failure to handle). */
    public boolean queueExists(String name) {
        return vhost().queue(name) != null;
    }

    /** Whether the exchange exists. */
    public boolean exchangeExists(String name) {
        return vhost().exchange(name) != null;
    }

    // ------------------------------------------------------------------ adapter-managed queues

    /*
     * An adapter-managed queue is one an adapter keeps for its client under a name of the adapter's own
     * choosing (MQTT's session queue mqtt-subscription-<client id>, a shared subscription's queue): the client
     * never names it, so its name is in no permission rule. What the client chooses is what gets bound to it,
     * and that is what is checked: consume on the exchange and pattern, as for a topic subscription.
     */

    /**
     * Binds an adapter-managed queue to an exchange, declaring the queue first if it is missing (an existing
     * one is used as it is). Checked: consume on the binding ({@code exchange}, {@code pattern}: the topic on
     * {@code amq.topic}); not create on the queue's name.
     */
    public CompletableFuture<Void> bindManagedQueue(QueueDeclaration queue, String exchange, String pattern) {
        try {
            session.ensureOpen();
            session.require(Permission.CONSUME, Session.topicResource(exchange, pattern));
            Session.refuseReservedQueueName(queue.name());
            CompletableFuture<Void> declared = CompletableFuture.completedFuture(null);
            if (vhost().queue(queue.name()) == null) {
                declared = vhost().declareQueue(queue, session.connectionId()).stored();
            }
            CompletableFuture<Void> bound = vhost().bind(BindingDeclaration.queue(exchange, queue.name(), pattern));
            return session.onSink(CompletableFuture.allOf(declared, bound));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Removes a binding of an adapter-managed queue. Needs no permission: it only takes access away, and a
     * client whose permission was revoked must still be able to unsubscribe.
     */
    public CompletableFuture<Void> unbindManagedQueue(String queue, String exchange, String pattern) {
        try {
            session.ensureOpen();
            return session.onSink(vhost().unbind(BindingDeclaration.queue(exchange, queue, pattern)));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Deletes an adapter-managed queue once the adapter's client state that used it ended (an expired MQTT
     * session, the last member of a shared subscription left). Needs no permission: the client never asked
     * for the queue by name; a queue exclusive to another connection is still refused (RESOURCE_LOCKED).
     *
     * @return how many messages the queue held; fails NOT_FOUND when there is no such queue
     */
    public CompletableFuture<Long> deleteManagedQueue(String name) {
        try {
            session.ensureOpen();
            return session.onSink(vhost().deleteQueue(name, false, false, session.connectionId()));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void checkBinding(BindingDeclaration d) {
        session.ensureOpen();
        session.require(Permission.CONSUME, Session.topicResource(d.exchange(), d.key()));
        session.require(Permission.CREATE, d.target());
    }
}
