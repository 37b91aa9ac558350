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

    private void checkBinding(BindingDeclaration d) {
        session.ensureOpen();
        session.require(Permission.CONSUME, Session.topicResource(d.exchange(), d.key()));
        session.require(Permission.CREATE, d.target());
    }
}
