package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.core.queue.QueueStats;
import io.ferrymq.core.routing.BindingTarget;
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
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
            VirtualHost.Declared<Queue> declared = d.passive() ? vhost().declareQueue(d, session.connectionId())
                    : session.queueQuota().declare(session.principal().name(), vhost().name(), d.name(),
                            () -> vhost().declareQueue(d, session.connectionId()),
                            r -> r.created() ? r.value().name() : null);
            Queue q = declared.value();
            return session.onSink(declared.stored().thenApply(v ->
                    new QueueInfo(q.name(), q.stats().total() - q.stats().inFlight(), q.consumerCount())));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Whether the virtual host has a queue of that name. Like a passive declare it needs no permission: what
     * the client then does with the queue (send, consume, delete) is checked when it does it.
     */
    public boolean queueExists(String name) {
        session.ensureOpen();
        return vhost().queue(name) != null;
    }

    /**
     * The bindings that route to a queue (exchange, key, arguments and filter), oldest first. Needs no
     * permission, like {@link #queueExists}.
     *
     * @throws BrokerException NOT_FOUND when there is no such queue
     */
    public List<BindingDeclaration> bindingsOf(String queueName) {
        session.ensureOpen();
        Queue q = session.requireQueue(queueName);
        return vhost().bindingsTo(q).stream()
                .map(b -> new BindingDeclaration(b.exchange(), BindingTarget.Kind.QUEUE, q.name(), b.key(),
                        b.arguments(), b.filterSpec()))
                .toList();
    }

    /**
     * Creates a temporary queue of this session's connection: exclusive to it and deleted with it (a STOMP
     * {@code /temp-queue/}, an AMQP dynamic node, a JMS TemporaryQueue). The broker names it in its reserved
     * {@code amq.gen-} namespace, so it needs no create permission: no client can name, and so no permission
     * rule can mean, a queue there. Sending to it and consuming from it are checked as for any queue.
     * It is not durable, so nothing is stored: it exists when this returns.
     *
     * @param label      ends the name ({@code amq.gen-LABEL}), so the adapter can tell its queues apart in
     *                   logs; empty for a random one
     * @param autoDelete whether it also goes when its last consumer leaves
     * @return the queue's name
     * @throws BrokerException INVALID_ARGUMENT for a label that makes no valid name; RESOURCE_LOCKED or
     *                         PRECONDITION_FAILED when a queue of that name exists and is not such a queue of
     *                         this connection
     */
    public String declareTemporaryQueue(String label, boolean autoDelete) {
        session.ensureOpen();
        String name = "amq.gen-" + (label == null || label.isEmpty() ? UUID.randomUUID().toString() : label);
        return vhost().declareQueue(new QueueDeclaration(name, false, true, autoDelete, Map.of(), false),
                session.connectionId()).value().name();
    }

    /**
     * Deletes a temporary queue of this session's connection ({@link #declareTemporaryQueue}) before the
     * connection ends. Needs no permission, since it is the connection's own.
     *
     * @return how many messages it held; fails NOT_FOUND when it is gone already, RESOURCE_LOCKED when it is
     *         not a temporary queue of this connection
     */
    public CompletableFuture<Long> deleteTemporaryQueue(String name) {
        try {
            session.ensureOpen();
            Queue q = session.requireQueue(name);
            if (!q.exclusive() || q.exclusiveOwner() != session.connectionId()) {
                throw BrokerException.locked("queue '" + name + "' is not a temporary queue of this connection");
            }
            return session.onSink(vhost().deleteQueue(name, false, false, session.connectionId()));
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

    /**
     * The settings that apply to a queue, its policy from {@code broker.yaml} combined with its declaration
     * arguments (RabbitMQ's rules: the stricter limit, otherwise the argument), as RabbitMQ's {@code x-}
     * arguments; empty when there is no such queue. Needs consume or manage permission on it, like its stats.
     */
    public Optional<Map<String, Object>> effectiveArguments(String name) {
        session.ensureOpen();
        Queue q = vhost().queue(name);
        if (q == null) {
            return Optional.empty();
        }
        if (!session.isAllowed(Permission.CONSUME, name)) {
            session.require(Permission.MANAGE, name);
        }
        return Optional.of(q.settings().asArguments());
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
                // A durable managed queue (an MQTT persistent session's) counts toward the user's
                // limits.max-queues-per-user while it exists, as a declared queue does.
                declared = (queue.durable()
                        ? session.queueQuota().declare(session.principal().name(), vhost().name(), queue.name(),
                                () -> vhost().declareQueue(queue, session.connectionId()),
                                r -> r.created() ? r.value().name() : null)
                        : vhost().declareQueue(queue, session.connectionId())).stored();
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
