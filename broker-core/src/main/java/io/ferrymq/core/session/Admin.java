package io.ferrymq.core.session;

import io.ferrymq.core.BrokerException;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.core.queue.QueueStats;
import io.ferrymq.core.routing.Exchange;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import io.ferrymq.core.vhost.QueueInfo;
import io.ferrymq.core.vhost.VirtualHost;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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

    /** Removes the queue's ready messages (and scheduled and paged ones). @return how many */
    public CompletableFuture<Long> purgeQueue(String name) {
        return purgeQueue(name, false);
    }

    /**
     * Removes the queue's ready, scheduled and paged messages and, with {@code includeInFlight}, the ones
     * delivered but not yet settled too (SQS PurgeQueue: their receipt handles stop working).
     *
     * @return how many
     */
    public CompletableFuture<Long> purgeQueue(String name, boolean includeInFlight) {
        try {
            session.ensureOpen();
            session.require(Permission.DELETE, name);
            Queue q = session.requireQueue(name);
            if (q.exclusive() && q.exclusiveOwner() != session.connectionId()) {
                throw BrokerException.locked("queue '" + name + "' is exclusive to another connection");
            }
            return session.onSink(q.purge(includeInFlight));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The queue's counters (approximate under load, like SQS's Approximate* attributes). Reading a queue's
     * state needs consume or manage permission on it.
     */
    public CompletableFuture<QueueStats> queueStats(String name) {
        try {
            session.ensureOpen();
            if (!session.isAllowed(Permission.CONSUME, name)) {
                session.require(Permission.MANAGE, name);
            }
            Queue q = session.requireQueue(name);
            return session.onSink(CompletableFuture.completedFuture(q.stats()));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A queue's properties, as the declaration that would match it (never passive); empty when there is no
     * such queue. Like a passive declaration this needs no permission (an API that hides names from callers
     * checks its own visibility rule); it answers now, from any thread.
     */
    public Optional<QueueDeclaration> describeQueue(String name) {
        session.ensureOpen();
        Queue q = vhost().queue(name);
        return q == null ? Optional.empty() : Optional.of(describe(q));
    }

    /** The queues the principal holds some permission on, as {@link #describeQueue}, by name; answers now. */
    public List<QueueDeclaration> describeQueues() {
        session.ensureOpen();
        List<QueueDeclaration> out = new ArrayList<>();
        for (Queue q : vhost().queues()) {
            if (visible(q.name())) {
                out.add(describe(q));
            }
        }
        out.sort(Comparator.comparing(QueueDeclaration::name));
        return out;
    }

    private boolean visible(String name) {
        for (Permission p : Permission.values()) {
            if (session.isAllowed(p, name)) {
                return true;
            }
        }
        return false;
    }

    private static QueueDeclaration describe(Queue q) {
        return new QueueDeclaration(q.name(), q.durable(), q.exclusive(), q.autoDelete(), q.arguments(), false);
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

    /** Whether the exchange exists. */
    public boolean exchangeExists(String name) {
        return vhost().exchange(name) != null;
    }

    private void checkBinding(BindingDeclaration d) {
        session.ensureOpen();
        session.require(Permission.CONSUME, Session.topicResource(d.exchange(), d.key()));
        session.require(Permission.CREATE, d.target());
    }
}
