package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.exec.Scheduler;
import io.ferrymq.core.exec.SerialExecutor;
import io.ferrymq.core.filter.FilterCompiler;
import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.filter.MessageFilter;
import io.ferrymq.core.filter.selector.Selector;
import io.ferrymq.core.memory.MemoryBudget;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.core.queue.RoutedMessage;
import io.ferrymq.core.security.BrokerPrincipal;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.security.ConnectionCounter;
import io.ferrymq.core.security.QueueQuota;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.SecurityRealm;
import io.ferrymq.core.storage.BindingDefinition;
import io.ferrymq.core.storage.ExchangeDefinition;
import io.ferrymq.core.storage.QueueDefinition;
import io.ferrymq.core.storage.RecoveryListener;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;
import io.ferrymq.core.vhost.VirtualHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker: virtual hosts over one storage, one security realm and one memory budget. Protocol
 * adapters {@link #open open} a session per client connection and work through it.
 */
public final class Broker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    public static final String DEFAULT_VHOST = "/";

    private enum State { ACTIVE, STOPPING, STOPPED }

    private final BrokerOptions options;
    private final MemoryBudget memory;
    private final FilterCompiler filters = new FilterCompiler();
    private final Map<String, VirtualHost> vhosts = new LinkedHashMap<>();
    private final AtomicLong messageIds = new AtomicLong();
    private final AtomicLong queueIds = new AtomicLong();
    private final AtomicLong connectionIds = new AtomicLong();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private volatile Scheduler.Cancellable expiryTimer = Scheduler.Cancellable.NONE;
    private volatile State state = State.ACTIVE;
    private final Streams streams;
    private final ConnectionCounter connections;
    private final QueueQuota queueQuota;
    private final io.ferrymq.core.queue.MessageEvents messageEvents = new io.ferrymq.core.queue.MessageEvents();
    private final ConsumerEvents consumerEvents = new ConsumerEvents();
    private volatile ClusterStatus clusterStatus = ClusterStatus.SINGLE;
    private final MessageCounters messageCounters = new MessageCounters();
    private final long startedAt = System.currentTimeMillis();

    private Broker(BrokerOptions options) {
        this.options = options;
        this.memory = new MemoryBudget(options.memoryLimitBytes());
        this.connections = new ConnectionCounter(options.limits());
        this.queueQuota = new QueueQuota(options.limits().maxQueuesPerUser(), (v, q) -> {
            VirtualHost host = vhosts.get(v);
            return host != null && host.queue(q) != null;
        });
        this.streams = io.ferrymq.core.api.Streams.open(options.streams() == null
                        ? io.ferrymq.core.stream.StreamStoreOptions.temporary() : options.streams(),
                options.runtime().clock(), options.runtime().scheduler(), options.runtime().blocking());
        filters.register(FilterSpec.SQL, Selector::parse);
        for (String v : options.vhosts()) {
            vhosts.put(v, newVirtualHost(v));
        }
    }

    private VirtualHost newVirtualHost(String name) {
        VirtualHost v = new VirtualHost(name, options.runtime(), options.storage(), memory, options.policies(), filters,
                messageIds::incrementAndGet, queueIds::incrementAndGet, options.paging());
        v.messageEvents(messageEvents);
        return v;
    }

    /**
     * Tells {@code listener} of every message that expires or is dead-lettered in any queue of the broker, whatever
     * protocol sent it (ActiveMQ's {@code Expired} and {@code MessageDLQd} advisories). It is called on the queue's
     * executor: hand the event to your own executor, never block there.
     *
     * @return what stops telling it
     */
    public Runnable onMessageEvent(java.util.function.Consumer<io.ferrymq.core.queue.MessageEvent> listener) {
        return messageEvents.add(listener);
    }

    /**
     * Tells {@code listener} of every consumer that a client's session attaches to a queue (or a topic subscription's
     * queue), whatever its protocol, and of its leaving (closed, its queue deleted, its session ended): ActiveMQ's
     * consumer advisories. It is called on the queue's or the closing session's thread: hand the event on, never
     * block there.
     *
     * @return what stops telling it
     */
    public Runnable onConsumerEvent(java.util.function.Consumer<ConsumerEvent> listener) {
        return consumerEvents.add(listener);
    }

    /** Builds the broker and recovers what its storage holds; clients may connect when this returns. */
    public static Broker start(BrokerOptions options) {
        Broker b = new Broker(options);
        b.recover();
        b.scheduleExpiryScan();
        return b;
    }

    private void recover() {
        Recovery r = new Recovery();
        Storage.RecoveredIds ids = options.storage().recover(r);
        messageIds.accumulateAndGet(ids.maxMessageId(), Math::max);
        queueIds.accumulateAndGet(ids.maxQueueId(), Math::max);
        recoverPages(r.queuesById);
        recoverDeduplicationIds(r.queuesById);
        if (r.references > 0 || r.queues > 0) {
            LOG.info("Recovered {} queue(s), {} message(s) and {} queue reference(s){}", r.queues, r.messages.size(),
                    r.references, r.clean ? "" : " after an unclean stop: messages may be redelivered");
        }
    }

    /** Applies recovered state to the virtual hosts. */
    private final class Recovery implements RecoveryListener {
        final Map<Long, RoutedMessage> messages = new HashMap<>();
        final Map<Long, Queue> queuesById = new HashMap<>();
        int queues;
        long references;
        boolean clean = true;

        @Override
        public void begin(boolean cleanShutdown) {
            clean = cleanShutdown;
        }

        @Override
        public void exchange(ExchangeDefinition d) {
            vhostForRecovery(d.vhost()).recoverExchange(d);
        }

        @Override
        public void queue(QueueDefinition d) {
            queuesById.put(d.id(), vhostForRecovery(d.vhost()).recoverQueue(d));
            queues++;
        }

        @Override
        public void binding(BindingDefinition d) {
            vhostForRecovery(d.vhost()).recoverBinding(d);
        }

        @Override
        public void state(String namespace, String key, byte[] value) {
            recoveredState.computeIfAbsent(namespace, n -> new LinkedHashMap<>()).put(key, value);
        }

        @Override
        public void message(Message message) {
            messages.put(message.id(), new RoutedMessage(message, memory));
        }

        @Override
        public void reference(long queueId, long messageId, int deliveryCount, long deliverAt) {
            Queue q = queuesById.get(queueId);
            RoutedMessage m = messages.get(messageId);
            if (q == null || m == null) {
                return;
            }
            m.retain(true);
            q.recover(m, deliveryCount, deliverAt, !clean);
            references++;
        }
    }

    private final Map<String, Map<String, byte[]>> recoveredState = new ConcurrentHashMap<>();

    /** Durable queues pick up their page files; the page files of queues that are gone are removed. */
    private void recoverPages(Map<Long, Queue> durableQueues) {
        if (options.paging() == null) {
            return;
        }
        options.paging().removeAllExcept(durableQueues.keySet());
        Map<String, byte[]> cursors = recoveredState(Queue.PAGE_CURSOR_STATE);
        List<CompletableFuture<Void>> recovering = new java.util.ArrayList<>();
        for (Map.Entry<Long, Queue> q : durableQueues.entrySet()) {
            byte[] cursor = cursors.get(Long.toString(q.getKey()));
            recovering.add(q.getValue().recoverPages(cursor == null ? io.ferrymq.core.paging.PagePosition.START
                    : io.ferrymq.core.paging.PagePosition.decode(cursor)));
        }
        CompletableFuture.allOf(recovering.toArray(CompletableFuture[]::new)).join();
    }

    /** Durable queues remember the deduplication ids still in their window; the records of the rest go. */
    private void recoverDeduplicationIds(Map<Long, Queue> durableQueues) {
        List<StorageRecord> gone = new java.util.ArrayList<>();
        Map<String, byte[]> recovered = recoveredState.remove(Queue.DEDUPLICATION_STATE);
        for (Map.Entry<String, byte[]> e : recovered == null ? Map.<String, byte[]>of().entrySet() : recovered.entrySet()) {
            String key = e.getKey();
            int slash = key.indexOf('/');
            Queue q = null;
            try {
                q = slash > 0 ? durableQueues.get(Long.parseLong(key.substring(0, slash))) : null;
            } catch (NumberFormatException ignored) {
                // not a key this broker writes: its record goes
            }
            if (q == null || !q.restoreDeduplicationId(key.substring(slash + 1), e.getValue())) {
                gone.add(new StorageRecord.DeleteState(Queue.DEDUPLICATION_STATE, key));
            }
        }
        if (!gone.isEmpty()) {
            options.storage().append(gone).join();
        }
    }

    /**
     * Protocol state recovered from storage ({@code PutState} records), by key, for the module that owns
     * the namespace to pick up when it starts.
     */
    public Map<String, byte[]> recoveredState(String namespace) {
        return recoveredState.getOrDefault(namespace, Map.of());
    }

    private final Map<String, io.ferrymq.core.state.StateStore> stateStores = new ConcurrentHashMap<>();

    /**
     * The durable state of a protocol module, by namespace (for example {@code mqtt.retained}), holding
     * what storage recovered for it.
     */
    public io.ferrymq.core.state.StateStore stateStore(String namespace) {
        return stateStores.computeIfAbsent(namespace, n -> new io.ferrymq.core.state.StateStore(n, options.storage(),
                recoveredState(n)));
    }

    private VirtualHost vhostForRecovery(String name) {
        VirtualHost v = vhosts.get(name);
        if (v == null) {
            LOG.warn("Storage holds vhost '{}', which is no longer configured; re-creating it", name);
            v = newVirtualHost(name);
            vhosts.put(name, v);
        }
        return v;
    }

    private void scheduleExpiryScan() {
        if (state != State.ACTIVE) {
            return;
        }
        expiryTimer = options.runtime().scheduler().schedule(() -> {
            vhosts.values().forEach(VirtualHost::expireScan);
            scheduleExpiryScan();
        }, options.expiryScanMillis());
    }

    /** The broker's streams (sharded, replayable logs), checked against each session's permissions. */
    public Streams streams() {
        return streams;
    }

    /** One-shot timers on the broker's scheduler and clock, for protocol modules. */
    public Timers timers() {
        Scheduler scheduler = options.runtime().scheduler();
        return (task, delayMillis) -> scheduler.schedule(task, delayMillis)::cancel;
    }

    /** A fresh id for a client connection (used for exclusivity and no-local). */
    public long newConnectionId() {
        return connectionIds.incrementAndGet();
    }

    // ------------------------------------------------------------------ time and background work for adapters
    // Adapters see these (and timers()) instead of the runtime (BrokerRuntime, Clock, SerialExecutor), so that
    // tests that run the broker on a manual clock move the adapters' times along with the core's.

    /** Milliseconds on the broker's clock: what message timestamps, expirations and delays are computed from. */
    public long currentTimeMillis() {
        return options.runtime().clock().millis();
    }

    /**
     * An executor that runs its tasks one at a time, in order, on the broker's worker pool: the executor of a
     * session an adapter opens for its own background work (it has no event loop).
     */
    public Executor newSerialExecutor() {
        return options.runtime().newSerialExecutor();
    }

    /** The broker's pool for work that blocks (a blocking client library, file IO): never an event loop. */
    public Executor blockingExecutor() {
        return options.runtime().blocking();
    }

    /**
     * Authenticates a client and opens a session in a virtual host. Password checks run off the event
     * loop; the future completes on the sink's executor.
     *
     * @return fails with AUTHENTICATION_FAILED, NOT_FOUND (no such vhost), UNAUTHORIZED (no access to it)
     *         or UNAVAILABLE (the broker is stopping)
     */
    public CompletableFuture<Session> open(String vhost, ClientInfo client, String username, String password,
                                           DeliverySink sink) {
        if (state != State.ACTIVE) {
            return CompletableFuture.failedFuture(new BrokerException(ErrorCode.UNAVAILABLE, "the broker is stopping"));
        }
        CompletableFuture<Session> result = new CompletableFuture<>();
        options.runtime().blocking().execute(() -> {
            Session s = null;
            Throwable failure = null;
            try {
                BrokerPrincipal who = options.realm().authenticate(username, password, client);
                s = openAuthenticated(vhost, who, client, sink);
            } catch (RuntimeException e) {
                failure = BrokerException.from(e);
            }
            Session opened = s;
            Throwable failed = failure;
            sink.executor().execute(() -> {
                if (failed != null) {
                    result.completeExceptionally(failed);
                } else {
                    result.complete(opened);
                }
            });
        });
        return result;
    }

    /**
     * Checks a user's credentials again without opening a session: a connection's refreshed password or token
     * for the user it is logged in as (AMQP 0-9-1's connection.update-secret). Runs off the event loop.
     *
     * @return completes on {@code executor} with the principal, or fails with AUTHENTICATION_FAILED
     */
    public CompletableFuture<BrokerPrincipal> authenticate(String username, String password, ClientInfo client,
                                                           Executor executor) {
        CompletableFuture<BrokerPrincipal> result = new CompletableFuture<>();
        options.runtime().blocking().execute(() -> {
            BrokerPrincipal who = null;
            Throwable failure = null;
            try {
                who = options.realm().authenticate(username, password, client);
            } catch (RuntimeException e) {
                failure = BrokerException.from(e);
            }
            BrokerPrincipal authenticated = who;
            Throwable failed = failure;
            executor.execute(() -> {
                if (failed != null) {
                    result.completeExceptionally(failed);
                } else {
                    result.complete(authenticated);
                }
            });
        });
        return result;
    }

    /** Opens a session for an already authenticated principal (TLS client certificates, internal bridges). */
    public Session openAuthenticated(String vhost, BrokerPrincipal who, ClientInfo client, DeliverySink sink) {
        VirtualHost v = vhosts.get(vhost);
        if (v == null) {
            throw BrokerException.notFound("no virtual host '" + vhost + "'");
        }
        if (!options.realm().mayAccess(who, vhost)) {
            throw BrokerException.unauthorized("user '" + who.name() + "' has no access to virtual host '" + vhost + "'");
        }
        if (state != State.ACTIVE) {
            throw new BrokerException(ErrorCode.UNAVAILABLE, "the broker is stopping");
        }
        connections.admit(client, who.name());
        Session[] holder = new Session[1];
        holder[0] = new Session(v, who, client, options.realm(), sink, () -> {
            sessions.remove(holder[0]);
            connections.release(client.connectionId(), who.name());
        }, options.limits().maxConsumersPerConnection(), queueQuota);
        holder[0].consumerEvents(consumerEvents);
        holder[0].counters(messageCounters.forProtocol(client.protocol()));
        sessions.add(holder[0]);
        return holder[0];
    }

    public VirtualHost vhost(String name) {
        return vhosts.get(name);
    }

    /**
     * The principal of a configured user, without a password: for an adapter that verified the client's
     * credentials by its own means (an AWS SigV4 signature made with the user's secret key). Empty when no
     * such user is configured.
     */
    public java.util.Optional<BrokerPrincipal> principalOf(String username) {
        return options.realm().principalOf(username);
    }

    /**
     * The principal of a user that {@code client} proved to be by its own means (a verified client
     * certificate mapped to the user), with the login rules other than the password applied: a loopback-only
     * user is refused from elsewhere.
     *
     * @throws BrokerException {@code AUTHENTICATION_FAILED}
     */
    public BrokerPrincipal vouchedFor(String username, ClientInfo client) {
        return options.realm().vouchedFor(username, client);
    }

    /**
     * The most channels (AMQP 0-9-1), sessions (AMQP 1.0, OpenWire) a connection may open
     * ({@code limits.max-channels-per-connection}); 0 for no limit beyond the protocol's own. An adapter offers it
     * in the protocol's negotiation (channel-max) and refuses one more with the protocol's error.
     */
    public int maxChannelsPerConnection() {
        return options.limits().maxChannelsPerConnection();
    }

    /**
     * The bytes per second the broker reads from one connection ({@code limits.publish-bytes-per-second}); 0 for
     * no limit. Above it the transport stops reading from the connection for a while: back-pressure, not loss.
     */
    public long publishBytesPerSecond() {
        return options.limits().publishBytesPerSecond();
    }

    /** Whether a virtual host of that name exists (a client naming one it may not log into falls back). */
    public boolean hasVirtualHost(String name) {
        return name != null && vhosts.containsKey(name);
    }

    /** The names of the virtual hosts, for adapters that set something up in each. */
    public Set<String> vhostNames() {
        return Set.copyOf(vhosts.keySet());
    }

    private final Map<String, Session> systemSessions = new ConcurrentHashMap<>();
    private volatile SerialExecutor systemExecutor;

    /**
     * The broker's own session in a virtual host, for what it does on its own behalf rather than for a
     * connected client: MQTT wills, retained copies and $SYS topics, removing the queues of a client state that
     * expired. Its principal may do everything (a client's permission was checked when it handed the work
     * over, or there is no client); its futures complete on one serial executor on the broker's worker pool.
     * It stays open until the broker stops, and it is not counted in {@link #sessionCount()}.
     *
     * @throws BrokerException NOT_FOUND (no such vhost) or UNAVAILABLE (the broker is stopping)
     */
    public Session systemSession(String vhost) {
        VirtualHost v = vhosts.get(vhost);
        if (v == null) {
            throw BrokerException.notFound("no virtual host '" + vhost + "'");
        }
        if (state != State.ACTIVE) {
            throw new BrokerException(ErrorCode.UNAVAILABLE, "the broker is stopping");
        }
        return systemSessions.computeIfAbsent(vhost, n -> new Session(v, SystemRealm.PRINCIPAL,
                new ClientInfo(newConnectionId(), "broker", null, "broker", null), new SystemRealm(),
                new SystemSink(systemExecutor()), () -> systemSessions.remove(n)));
    }

    private synchronized SerialExecutor systemExecutor() {
        if (systemExecutor == null) {
            systemExecutor = options.runtime().newSerialExecutor();
        }
        return systemExecutor;
    }

    /** Lets the broker's own principal do everything, and no one else anything. */
    private static final class SystemRealm implements SecurityRealm {
        static final BrokerPrincipal PRINCIPAL = new BrokerPrincipal("ferrymq-broker", Set.of());

        @Override
        public BrokerPrincipal authenticate(String username, String password, ClientInfo client) {
            throw new BrokerException(ErrorCode.AUTHENTICATION_FAILED, "the broker's own session takes no logins");
        }

        @Override
        public boolean isAllowed(BrokerPrincipal who, Permission what, String vhost, String resource) {
            return who == PRINCIPAL;
        }

        @Override
        public boolean mayAccess(BrokerPrincipal who, String vhost) {
            return who == PRINCIPAL;
        }
    }

    /** The system sessions consume nothing: they only send and administer. */
    private record SystemSink(Executor executor) implements DeliverySink {
        @Override
        public void deliver(io.ferrymq.core.queue.Delivery delivery) {
            LOG.warn("The broker's own session received a delivery from queue '{}'; it consumes nothing",
                    delivery.queueName());
        }
    }

    public Collection<VirtualHost> vhosts() {
        return List.copyOf(vhosts.values());
    }

    public MemoryBudget memory() {
        return memory;
    }

    /**
     * Adds a filter language that bindings and consumers can name in a {@code FilterSpec} (SNS filter
     * policies); the core itself knows {@code sql}, JMS selectors.
     */
    public void registerFilterLanguage(String language, java.util.function.Function<String, MessageFilter> compiler) {
        filters.register(language, compiler);
    }

    public FilterCompiler filters() {
        return filters;
    }

    public BrokerOptions options() {
        return options;
    }

    /**
     * The broker as its operator sees it (connections, queues, exchanges, bindings, users): for the management
     * API, which checks its callers' roles itself.
     */
    /** Where this broker stands in an HA pair, as {@link Operator#cluster()} reports it; the server sets it. */
    public void reportClusterStatus(ClusterStatus status) {
        this.clusterStatus = status == null ? ClusterStatus.SINGLE : status;
    }

    MessageCounters messageCounters() {
        return messageCounters;
    }

    ClusterStatus clusterStatus() {
        return clusterStatus;
    }

    public Operator operator() {
        return operator;
    }

    private final Operator operator = new Operator(this, () -> List.copyOf(sessions), startedAt);

    public int sessionCount() {
        return sessions.size();
    }

    public boolean isActive() {
        return state == State.ACTIVE;
    }

    /**
     * Closes every session (adapters close their connections first) and waits for the queues to take
     * back what those sessions held; then stops the queue threads, and only then the storage, so that
     * every record the queues wrote on the way down is on disk before the clean-shutdown mark.
     */
    @Override
    public void close() {
        if (state != State.ACTIVE) {
            return;
        }
        state = State.STOPPING;
        expiryTimer.cancel();
        List<CompletableFuture<Void>> closing = new java.util.ArrayList<>();
        for (Session s : List.copyOf(sessions)) {
            closing.add(s.closeAsync());
        }
        for (Session s : List.copyOf(systemSessions.values())) {
            closing.add(s.closeAsync());
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Sessions did not finish closing within 10 s: {}", e.toString());
        }
        streams.close();
        options.runtime().close();
        if (options.paging() != null) {
            options.paging().close();
        }
        options.storage().close();
        state = State.STOPPED;
        LOG.info("Broker stopped");
    }
}
