package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.exec.SerialExecutor;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.DeliveryPath;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.PullOptions;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.security.BrokerPrincipal;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.QueueQuota;
import io.ferrymq.core.security.SecurityRealm;
import io.ferrymq.core.state.StateStore;
import io.ferrymq.core.storage.StorageRecord;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.PreparedPublish;
import io.ferrymq.core.vhost.QueueDeclaration;
import io.ferrymq.core.vhost.VirtualHost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an adapter holds per client connection: an authenticated principal in one virtual host, its
 * subscriptions and transactions. Every operation is checked against the security realm.
 *
 * <p>Futures returned here complete on the sink's executor (the connection's event loop), so adapters
 * can touch their connection state in callbacks without locks. Deliveries arrive there too, batched,
 * with a {@link DeliverySink#flush()} after each batch.
 */
public final class Session implements DeliveryPath, AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Session.class);

    private final VirtualHost vhost;
    private final BrokerPrincipal principal;
    private final ClientInfo client;
    private final DeliverySink sink;
    private final Runnable onClose;
    private final Admin admin;
    private final GrantCache grants;

    private final DeliveryRelay relay;
    private final Transactions transactions;
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    /** The consumers told of to {@link #consumerEvents}, until they are told gone. */
    private final java.util.Map<Subscription, ConsumerEvent> announced = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong consumerKeys = new java.util.concurrent.atomic.AtomicLong();
    private volatile ConsumerEvents consumerEvents;
    /** Set by the broker before the session is handed out, so a plain field is safely published. */
    private MessageCounters.Counters counters = MessageCounters.UNCOUNTED;
    /** Queues this session pulled from without a lease: what it still holds there returns when it closes. */
    private final Set<Queue> pulledFrom = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final int maxConsumers;
    private final QueueQuota queueQuota;
    /** Subscriptions asked for and not yet attached or refused: counted against {@link #maxConsumers} too. */
    private final java.util.concurrent.atomic.AtomicInteger attaching = new java.util.concurrent.atomic.AtomicInteger();

    public Session(VirtualHost vhost, BrokerPrincipal principal, ClientInfo client, SecurityRealm realm,
                   DeliverySink sink, Runnable onClose) {
        this(vhost, principal, client, realm, sink, onClose, 0, new QueueQuota(0, (v, q) -> true));
    }

    /**
     * @param maxConsumers the subscriptions this session (one connection's) may hold at once, 0 for no limit
     * @param queueQuota   counts the queues its user creates
     */
    public Session(VirtualHost vhost, BrokerPrincipal principal, ClientInfo client, SecurityRealm realm,
                   DeliverySink sink, Runnable onClose, int maxConsumers, QueueQuota queueQuota) {
        this.maxConsumers = maxConsumers;
        this.queueQuota = queueQuota;
        this.vhost = vhost;
        this.principal = principal;
        this.client = client;
        this.sink = sink;
        this.onClose = onClose;
        this.admin = new Admin(this);
        this.grants = new GrantCache(realm, principal, vhost.name());
        this.relay = new DeliveryRelay(sink);
        this.transactions = new Transactions(vhost, client.connectionId(), this::prepare);
    }

    public BrokerPrincipal principal() { return principal; }
    public ClientInfo client() { return client; }
    public VirtualHost vhost() { return vhost; }
    /** The name of the session's virtual host (for messages and logs; adapters do not need the vhost itself). */
    public String vhostName() { return vhost.name(); }
    public Admin admin() { return admin; }
    public boolean isClosed() { return closed; }
    /** The session's open consumers, for the operator's view ({@link Operator#consumers()}). */
    java.util.Collection<Subscription> subscriptions() { return List.copyOf(subscriptions); }
    /** The adapter's side, for the operator's view of its channels ({@link Operator#channels()}). */
    DeliverySink sink() { return sink; }

    @Override
    public long connectionId() {
        return client.connectionId();
    }

    // ------------------------------------------------------------------ producing

    /**
     * Publishes a message; in a transaction it is held until commit.
     *
     * @return completes when the message is safe (stored if durable) and the broker can take more; fails
     *         with NOT_FOUND (unknown exchange or queue), UNAUTHORIZED, RESOURCE_LIMIT_EXCEEDED
     */
    public CompletableFuture<SendResult> send(Route route, Message message, Tx tx) {
        if (tx == null) {
            return sendStoredWith(route, message, List.of());
        }
        try {
            ensureOpen();
            checkSend(route);
            counters.received.increment();
            transactions.addSend(tx, route, message);
            return CompletableFuture.completedFuture(new SendResult(0, 0));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Runs {@code calls} (this session's sends and settlements for the commands of one read from the socket, say)
     * with the queues they reach started once, after the last of them, rather than at each: on a busy core a
     * queue's worker woken per message interrupts the connection for every one. The calls' results are what they
     * would be outside; {@code calls} must not wait for them.
     */
    public void batched(Runnable calls) {
        SerialExecutor.startingHeld(calls);
    }

    /**
     * Publishes a message outside any transaction, storing {@code storedWith} in the same atomic batch as the
     * message: protocol state that records the message's arrival, such as MQTT's QoS 2 packet id, so that after
     * a crash either both are there or neither.
     *
     * @return as {@link #send(Route, Message, Tx)}
     */
    public CompletableFuture<SendResult> sendStoredWith(Route route, Message message, List<StateStore.Staged> storedWith) {
        return publish(route, message, storedWith, false);
    }

    /**
     * As {@link #sendStoredWith}, for a producer that asked to be refused rather than held back at the memory limit
     * (ActiveMQ's {@code sendFailIfNoSpace}): fails with RESOURCE_LIMIT_EXCEEDED while the broker's memory limit is
     * reached; otherwise completes once the message is safe, without waiting for room.
     */
    public CompletableFuture<SendResult> sendFailIfNoSpace(Route route, Message message,
                                                           List<StateStore.Staged> storedWith) {
        return publish(route, message, storedWith, true);
    }

    private CompletableFuture<SendResult> publish(Route route, Message message, List<StateStore.Staged> storedWith,
                                                  boolean failIfNoSpace) {
        try {
            ensureOpen();
            checkSend(route);
            counters.received.increment();
            if (failIfNoSpace && vhost.memory().exhausted()) {
                throw BrokerException.resourceLimit("the broker's memory limit is reached: sends are refused until"
                        + " consumers catch up; try again later");
            }
            PreparedPublish p = prepare(route, message);
            SendResult result = new SendResult(p.message().id(), p.queueCount());
            List<StorageRecord> records = storedWith.isEmpty() ? List.of()
                    : storedWith.stream().map(StateStore.Staged::record).toList();
            return onSink(vhost.commit(List.of(p), records, false, !failIfNoSpace).thenApply(v -> result));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private PreparedPublish prepare(Route route, Message message) {
        if (message.durable()) {
            // Refused before anything is reserved or enqueued: a message the disk cannot keep is not accepted.
            BrokerException diskFull = vhost.storage().writeAlarm();
            if (diskFull != null) {
                throw diskFull;
            }
        }
        if (route.toQueue()) {
            ensureQueue(route.routingKey());
        }
        Message stamped = message.assign(vhost.nextMessageId(), connectionId(), route.exchange(), route.routingKey());
        PreparedPublish p = vhost.prepare(stamped, route.exchange(), route.routingKey());
        if (route.toQueue() && p.queueCount() == 0 && p.duplicates() == 0) {
            throw BrokerException.notFound("no queue '" + route.routingKey() + "' in vhost '" + vhost.name() + "'");
        }
        return p;
    }

    /**
     * Returns the named queue, creating it (durable) when it is missing and the policy for its name
     * allows auto-creation (RabbitMQ's STOMP {@code /queue/Q}, Artemis' auto-create).
     *
     * @throws BrokerException NOT_FOUND when it is missing and may not be created, UNAUTHORIZED without
     *                         create permission on the name
     */
    public void ensureQueue(String name) {
        if (vhost.queue(name) != null) {
            return;
        }
        if (!vhost.policies().autoCreateQueues(name)) {
            throw BrokerException.notFound("no queue '" + name + "' in vhost '" + vhost.name()
                    + "', and the policy for that name does not allow creating it automatically");
        }
        refuseReservedQueueName(name);
        require(Permission.CREATE, name);
        try {
            vhost.declareQueue(QueueDeclaration.durable(name), connectionId());
        } catch (BrokerException e) {
            // Declared meanwhile with other properties by someone else: that one is used.
            if (vhost.queue(name) == null || e.code() != ErrorCode.PRECONDITION_FAILED) {
                throw e;
            }
        }
    }

    /**
     * Completes once the broker holds less message memory than its limit (at once when it does), on the sink's
     * executor. An adapter whose protocol paces producers by credit (AMQP link credit) grants none until then,
     * so a full broker holds producers back before they send rather than leaving their sends unconfirmed.
     */
    public CompletableFuture<Void> memoryAvailable() {
        return onSink(vhost.memory().whenAvailable());
    }

    // ------------------------------------------------------------------ consuming

    /**
     * Attaches a push consumer: to a queue the client names, to a queue the adapter manages for it, or to a
     * topic (its subscription queue, temporary, shared or durable by name, bound to the exchange with the
     * pattern; a durable subscription re-attached with another pattern is re-bound to it, a consumer joining
     * a shared one adds its binding). Completes with the subscription before its first delivery.
     *
     * @return fails with NOT_FOUND (no such queue), UNAUTHORIZED (no consume permission on the queue or the
     *         topic; a durable topic subscription needs create too), RESOURCE_LOCKED (exclusive elsewhere),
     *         RESOURCE_LIMIT_EXCEEDED (a new durable subscription past limits.max-queues-per-user)
     */
    public CompletableFuture<Subscription> consume(Source from, ConsumeOptions options) {
        try {
            ensureOpen();
            if (maxConsumers > 0 && subscriptions.size() + attaching.get() >= maxConsumers) {
                String message = "this connection already has " + maxConsumers
                        + " subscriptions, its limit (limits.max-consumers-per-connection)";
                LOG.info("Refused a subscription of connection {} (user '{}'): {}", client.connectionId(),
                        principal.name(), message);
                throw new BrokerException(ErrorCode.RESOURCE_LIMIT_EXCEEDED, message);
            }
            if (from instanceof Source.Queue q) {
                require(Permission.CONSUME, q.name());
                return attach(requireQueue(q.name()), options, null, null);
            }
            if (from instanceof Source.ManagedQueue q) {
                return attach(requireQueue(q.name()), options, null, null);
            }
            return subscribe(((Source.Topic) from).subscription(), options);
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Subscription> subscribe(TopicSubscription spec, ConsumeOptions options) {
        String resource = topicResource(spec.exchange(), spec.pattern());
        require(Permission.CONSUME, resource);
        QueueDeclaration decl;
        if (spec.durableName() != null) {
            require(Permission.CREATE, resource);
            decl = QueueDeclaration.durable(spec.durableName()).withArguments(spec.queueArguments());
        } else if (spec.shared()) {
            if (spec.queueName().isEmpty()) {
                throw BrokerException.invalid("a shared subscription needs the name of its queue");
            }
            decl = new QueueDeclaration(spec.queueName(), false, false, true, spec.queueArguments(), false);
        } else {
            decl = new QueueDeclaration(spec.queueName(), false, true, true, spec.queueArguments(), false);
        }
        if (!decl.name().isEmpty()) {
            refuseReservedQueueName(decl.name());
        }
        // A durable subscription's queue outlives the connection like a declared queue: it counts toward the
        // user's limits.max-queues-per-user while it exists.
        VirtualHost.Declared<Queue> declared = spec.durableName() != null
                ? queueQuota.declare(principal.name(), vhost.name(), decl.name(),
                        () -> vhost.declareQueue(decl, connectionId()), r -> r.created() ? r.value().name() : null)
                : vhost.declareQueue(decl, connectionId());
        Queue q = declared.value();
        BindingDeclaration binding = BindingDeclaration.queue(spec.exchange(), q.name(), spec.pattern())
                .withFilter(spec.bindingFilter());
        List<CompletableFuture<Void>> stored = new ArrayList<>();
        stored.add(declared.stored());
        boolean bound = false;
        for (var b : vhost.bindingsTo(q)) {
            if (b.exchange().equals(spec.exchange()) && b.key().equals(spec.pattern())) {
                // Same binding; a changed filter is replaced by binding it again below.
                bound = java.util.Objects.equals(b.filterSpec(), spec.bindingFilter());
            } else if (spec.durableName() != null || !spec.shared()) {
                // A joiner of a shared subscription leaves the bindings of those already there alone.
                stored.add(vhost.unbind(new BindingDeclaration(b.exchange(), BindingTarget.Kind.QUEUE, q.name(),
                        b.key(), b.arguments(), null)));
            }
        }
        if (!bound) {
            stored.add(vhost.bind(binding));
        }
        return CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new))
                .thenCompose(v -> attach(q, options, spec.exchange(), spec.pattern()));
    }

    private CompletableFuture<Subscription> attach(Queue q, ConsumeOptions options, String exchange, String pattern) {
        CompletableFuture<Subscription> attached = new CompletableFuture<>();
        attaching.incrementAndGet();
        // The adapter learns of the subscription through the same hand-off as its deliveries, so it always
        // knows the subscription before its first message arrives.
        q.addConsumer(options, this, s -> {
            subscriptions.add(s);
            attaching.decrementAndGet();
            if (closed) {
                s.close();
            } else {
                announce(s, q.name(), exchange, pattern);
            }
            relay.inOrder(() -> attached.complete(s));
        }).whenComplete((s, t) -> {
            if (t != null) {
                attaching.decrementAndGet();
                relay.execute(() -> attached.completeExceptionally(BrokerException.from(t)));
            }
        });
        return attached;
    }

    /** Tells the broker's consumer listeners (set for client sessions) of the consumers of this session. */
    void counters(MessageCounters.Counters counters) {
        this.counters = counters;
    }

    void consumerEvents(ConsumerEvents events) {
        this.consumerEvents = events;
    }

    private void announce(Subscription s, String queue, String exchange, String pattern) {
        ConsumerEvents events = consumerEvents;
        if (events == null || events.isEmpty()) {
            return;
        }
        ConsumerEvent e = new ConsumerEvent(ConsumerEvent.Kind.ATTACHED, vhost.name(), client,
                consumerKeys.incrementAndGet(), queue, exchange, pattern);
        announced.put(s, e);
        events.fire(e);
    }

    private void withdraw(Subscription s) {
        ConsumerEvent e = announced.remove(s);
        ConsumerEvents events = consumerEvents;
        if (e != null && events != null) {
            events.fire(new ConsumerEvent(ConsumerEvent.Kind.GONE, e.vhost(), e.client(), e.key(), e.queue(),
                    e.exchange(), e.pattern()));
        }
    }

    /**
     * Drains a subscription (AMQP drain): the future completes on the sink's executor after every
     * delivery the drain made, with the credit that was given up.
     */
    public CompletableFuture<Integer> drain(Subscription subscription) {
        // Always hop, even when already complete: the drain's deliveries are queued on the sink's executor
        // and must reach the adapter first.
        return relay.relayAlways(subscription.drain());
    }

    /** Throws UNAUTHORIZED unless the principal may do {@code what} to {@code resource} in this vhost. */
    public void checkPermission(Permission what, String resource) {
        require(what, resource);
    }

    /** Whether the principal may do {@code what} to {@code resource} in this vhost (to filter what listings show). */
    public boolean isAllowed(Permission what, String resource) {
        return grants.isAllowed(what, resource);
    }

    /** {@link #checkPermission} for an exchange and routing key or binding pattern (topics on amq.topic). */
    public void checkTopicPermission(Permission what, String exchange, String key) {
        require(what, topicResource(exchange, key));
    }

    /** Takes messages without a standing consumer (SQS ReceiveMessage, basic.get). */
    public CompletableFuture<List<Delivery>> pull(String queueName, PullOptions options) {
        try {
            ensureOpen();
            require(Permission.CONSUME, queueName);
            Queue q = requireQueue(queueName);
            if (options.leaseMillis() < 0 && !options.autoSettle()) {
                pulledFrom.add(q);
            }
            MessageCounters.Counters c = counters;
            return onSink(q.pull(options, connectionId()).thenApply(d -> {
                c.delivered.add(d.size());
                return d;
            }));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Settles a delivery; in a transaction, at commit. */
    public CompletableFuture<Void> settle(Delivery delivery, Outcome outcome, Tx tx) {
        if (!delivery.needsSettlement()) {
            return CompletableFuture.completedFuture(null);
        }
        countSettlement(outcome);
        if (tx != null) {
            try {
                return onSink(transactions.addSettlement(tx, delivery, outcome));
            } catch (BrokerException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return onSink(delivery.queue().settle(delivery.deliveryId(), outcome, connectionId()));
    }

    /**
     * Settles deliveries with one outcome outside any transaction, as {@link #settle} each of them, but with one
     * call per queue ({@link Queue#settleAll}): for an acknowledgement that covers a range of deliveries.
     */
    public CompletableFuture<Void> settleAll(List<Delivery> deliveries, Outcome outcome) {
        Map<Queue, List<Delivery>> byQueue = new LinkedHashMap<>();
        for (Delivery d : deliveries) {
            if (d.needsSettlement()) {
                countSettlement(outcome);
                byQueue.computeIfAbsent(d.queue(), q -> new ArrayList<>()).add(d);
            }
        }
        List<CompletableFuture<Void>> settled = new ArrayList<>(byQueue.size());
        byQueue.forEach((q, ds) -> {
            long[] ids = new long[ds.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = ds.get(i).deliveryId();
            }
            settled.add(q.settleAll(ids, outcome, connectionId()));
        });
        if (settled.size() == 1) {
            return onSink(settled.get(0));
        }
        return onSink(CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new)));
    }

    /** Settles a pulled delivery by queue and id (SQS DeleteMessage with a receipt handle). */
    public CompletableFuture<Void> settle(String queueName, long deliveryId, Outcome outcome) {
        try {
            ensureOpen();
            require(Permission.CONSUME, queueName);
            countSettlement(outcome);
            return onSink(requireQueue(queueName).settle(deliveryId, outcome, connectionId()));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void countSettlement(Outcome outcome) {
        if (outcome instanceof Outcome.Accept) {
            counters.acknowledged.increment();
        } else if (outcome instanceof Outcome.Reject) {
            counters.rejected.increment();
        }
    }

    /** Changes how long a pulled delivery stays invisible (SQS ChangeMessageVisibility). */
    public CompletableFuture<Void> changeLease(String queueName, long deliveryId, long leaseMillis) {
        try {
            ensureOpen();
            require(Permission.CONSUME, queueName);
            return onSink(requireQueue(queueName).changeLease(deliveryId, leaseMillis, connectionId()));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    // ------------------------------------------------------------------ transactions

    public Tx begin() {
        ensureOpen();
        return transactions.begin();
    }

    /**
     * Commits: the transaction's messages and acknowledgements are stored as one atomic batch, then its
     * messages become visible and its settlements apply. On failure (a full queue, a deleted queue) the
     * transaction is rolled back and the future fails.
     */
    public CompletableFuture<Void> commit(Tx tx) {
        try {
            return onSink(transactions.commit(tx));
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Discards the transaction's messages; deliveries it settled go back to their queues. */
    public CompletableFuture<Void> rollback(Tx tx) {
        try {
            transactions.rollback(tx);
            return CompletableFuture.completedFuture(null);
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Ends the session: subscriptions close (their unsettled deliveries return to their queues), open
     * transactions roll back, exclusive queues are deleted.
     */
    @Override
    public void close() {
        closeAsync();
    }

    /** {@link #close()}, with a future that completes when every queue has taken back what it lent out. */
    public CompletableFuture<Void> closeAsync() {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        closed = true;
        List<CompletableFuture<?>> steps = new ArrayList<>();
        transactions.rollbackAll();
        for (Subscription s : List.copyOf(subscriptions)) {
            steps.add(s.close());
        }
        subscriptions.clear();
        List.copyOf(announced.keySet()).forEach(this::withdraw);
        for (Queue q : pulledFrom) {
            steps.add(q.releasePulls(connectionId()));
        }
        vhost.deleteExclusiveQueues(connectionId());
        onClose.run();
        return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
    }

    // ------------------------------------------------------------------ DeliveryPath

    @Override
    public void handoff(Delivery delivery) {
        counters.delivered.increment();
        relay.deliver(delivery);
    }

    @Override
    public void closedByBroker(Subscription subscription, BrokerException reason) {
        subscriptions.remove(subscription);
        withdraw(subscription);
        relay.execute(() -> sink.subscriptionClosed(subscription, reason));
    }

    @Override
    public void detached(Subscription subscription) {
        subscriptions.remove(subscription);
        withdraw(subscription);
    }

    // ------------------------------------------------------------------ checks

    QueueQuota queueQuota() {
        return queueQuota;
    }

    void ensureOpen() {
        if (closed) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "the session is closed");
        }
    }

    Queue requireQueue(String name) {
        Queue q = vhost.queue(name);
        if (q == null) {
            throw BrokerException.notFound("no queue '" + name + "' in vhost '" + vhost.name() + "'");
        }
        return q;
    }

    void require(Permission p, String resource) {
        if (!grants.isAllowed(p, resource)) {
            throw BrokerException.unauthorized("user '" + principal.name() + "' may not "
                    + p.name().toLowerCase() + " on '" + resource + "' in vhost '" + vhost.name() + "'");
        }
    }

    /** Clients may not create queues in the broker's {@code amq.} namespace (server-named queues live there). */
    static void refuseReservedQueueName(String queueName) {
        if (queueName.startsWith("amq.")) {
            throw BrokerException.unauthorized("queue name '" + queueName
                    + "' is reserved: names starting with 'amq.' belong to the broker");
        }
    }

    private void checkSend(Route route) {
        require(Permission.SEND, route.toQueue() || route.exchange().isEmpty() ? route.routingKey()
                : topicResource(route.exchange(), route.routingKey()));
    }

    /**
     * The name a permission is checked against for an exchange and key: on the shared topic exchange
     * {@code amq.topic} it is the topic itself, so rules like {@code sensors.#} govern topics; on other
     * exchanges it is the exchange's name.
     */
    static String topicResource(String exchange, String key) {
        return VirtualHost.AMQ_TOPIC.equals(exchange) ? key : exchange;
    }

    <T> CompletableFuture<T> onSink(CompletableFuture<T> f) {
        return relay.relay(f);
    }

    @Override
    public String toString() {
        return "session of '" + principal.name() + "' on connection " + connectionId() + " in vhost '"
                + vhost.name() + "'";
    }
}
