package io.ferrymq.core.vhost;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.exec.BrokerRuntime;
import io.ferrymq.core.filter.FilterCompiler;
import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.filter.MessageFilter;
import io.ferrymq.core.memory.MemoryBudget;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.paging.PageStore;
import io.ferrymq.core.paging.PagingService;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.policy.PolicyTable;
import io.ferrymq.core.policy.QueueSettings;
import io.ferrymq.core.queue.MessageEvent;
import io.ferrymq.core.queue.MessageEvents;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.core.queue.QueueHost;
import io.ferrymq.core.routing.Binding;
import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.routing.DefaultExchange;
import io.ferrymq.core.routing.Exchange;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.routing.RoutingContext;
import io.ferrymq.core.routing.StandardExchanges;
import io.ferrymq.core.storage.BindingDefinition;
import io.ferrymq.core.storage.ExchangeDefinition;
import io.ferrymq.core.storage.QueueDefinition;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A namespace of exchanges and queues: names in one virtual host never meet names in another.
 *
 * <p>Publishing is lock-free (routing tables are concurrent, queues admit atomically). Declarations,
 * deletions and binding changes take this virtual host's monitor; they are rare next to messages, and
 * the monitor keeps the registry, the binding index and the stored definitions consistent.
 */
public final class VirtualHost implements QueueHost {

    private static final Logger LOG = LoggerFactory.getLogger(VirtualHost.class);
    private static final int MAX_NAME_LENGTH = 255;

    /** The exchanges every virtual host has, as in RabbitMQ. */
    public static final String AMQ_DIRECT = StandardExchanges.AMQ_DIRECT;
    public static final String AMQ_FANOUT = StandardExchanges.AMQ_FANOUT;
    public static final String AMQ_TOPIC = StandardExchanges.AMQ_TOPIC;
    public static final String AMQ_HEADERS = StandardExchanges.AMQ_HEADERS;
    public static final String AMQ_MATCH = StandardExchanges.AMQ_MATCH;

    private final String name;
    private final BrokerRuntime runtime;
    private final Storage storage;
    private final MemoryBudget memory;
    private final PolicyTable policies;
    private final FilterCompiler filters;
    private final LongSupplier messageIds;
    private final LongSupplier queueIds;
    private final PagingService paging;
    /** Who hears of expired and dead-lettered messages: the broker's listeners, set once after construction. */
    private volatile MessageEvents messageEvents = new MessageEvents();

    private final Map<String, Exchange> exchanges = new ConcurrentHashMap<>();
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();
    /** Bindings by their target, so deleting a queue or exchange finds its bindings. Guarded by this. */
    private final Map<BindingTarget, Set<Binding>> bindingsByTarget = new HashMap<>();

    public VirtualHost(String name, BrokerRuntime runtime, Storage storage, MemoryBudget memory, PolicyTable policies,
                       FilterCompiler filters, LongSupplier messageIds, LongSupplier queueIds, PagingService paging) {
        this.name = name;
        this.paging = paging;
        this.runtime = runtime;
        this.storage = storage;
        this.memory = memory;
        this.policies = policies;
        this.filters = filters;
        this.messageIds = messageIds;
        this.queueIds = queueIds;
        exchanges.put(DefaultExchange.NAME, new DefaultExchange(queues::get));
        for (var e : List.of(Map.entry(AMQ_DIRECT, ExchangeType.DIRECT), Map.entry(AMQ_FANOUT, ExchangeType.FANOUT),
                Map.entry(AMQ_TOPIC, ExchangeType.TOPIC), Map.entry(AMQ_HEADERS, ExchangeType.HEADERS),
                Map.entry(AMQ_MATCH, ExchangeType.HEADERS))) {
            exchanges.put(e.getKey(), Exchange.create(e.getValue(), e.getKey(), true, false, false, Map.of()));
        }
    }

    public String name() {
        return name;
    }

    public PolicyTable policies() {
        return policies;
    }

    public Queue queue(String queueName) {
        return queues.get(queueName);
    }

    public Exchange exchange(String exchangeName) {
        return exchanges.get(exchangeName);
    }

    public Collection<Queue> queues() {
        return queues.values();
    }

    public Collection<Exchange> exchanges() {
        return exchanges.values();
    }

    // ------------------------------------------------------------------ publishing

    /**
     * Routes and admits a message, giving it an id unless it has one. It is not visible until {@link #commit}.
     *
     * @throws BrokerException NOT_FOUND for an unknown exchange, INVALID_ARGUMENT for an internal one,
     *                         RESOURCE_LIMIT_EXCEEDED when a queue rejects it
     */
    public PreparedPublish prepare(Message message, String exchangeName, String routingKey) {
        Exchange exchange = exchanges.get(exchangeName);
        if (exchange == null) {
            throw BrokerException.notFound("no exchange '" + exchangeName + "' in vhost '" + name + "'");
        }
        if (exchange.internal()) {
            throw BrokerException.invalid("exchange '" + exchangeName + "' is internal: it only takes messages"
                    + " from other exchanges");
        }
        return prepare(message, exchange, routingKey, null);
    }

    private PreparedPublish prepare(Message message, Exchange exchange, String routingKey, Queue excluded) {
        RoutingContext ctx = new RoutingContext();
        exchange.route(message, routingKey, ctx);
        // What an exchange cannot route goes to its alternate exchange (AMQP 0-9-1's alternate-exchange
        // argument), and on down that chain; a cycle ends where it started.
        Exchange tried = exchange;
        for (int hops = 0; ctx.isEmpty() && hops < MAX_ALTERNATE_HOPS; hops++) {
            Object alternate = tried.arguments().get(ALTERNATE_EXCHANGE);
            tried = alternate == null ? null : exchanges.get(alternate.toString());
            if (tried == null || tried == exchange) {
                break;
            }
            tried.route(message, routingKey, ctx);
        }
        Message withId = message.id() == 0 ? message.withId(messageIds.getAsLong()) : message;
        return route(withId, exchange, routingKey, ctx, excluded);
    }

    /** The exchange argument naming where unroutable messages go. */
    public static final String ALTERNATE_EXCHANGE = "alternate-exchange";
    private static final int MAX_ALTERNATE_HOPS = 8;

    /** A fresh broker message id. */
    @Override
    public long nextMessageId() {
        return messageIds.getAsLong();
    }

    private PreparedPublish route(Message withId, Exchange exchange, String routingKey, RoutingContext ctx,
                                  Queue excluded) {
        if (ctx.isEmpty()) {
            return PreparedPublish.unrouted(withId, memory);
        }
        List<Queue> targets = new ArrayList<>(ctx.targets().size());
        for (BindingTarget t : ctx.targets()) {
            if (t instanceof Queue q && q != excluded) {
                targets.add(q);
            }
        }
        if (targets.isEmpty()) {
            return PreparedPublish.unrouted(withId, memory);
        }
        return PreparedPublish.admit(withId, targets, memory);
    }

    /**
     * Stores prepared publishes as one atomic batch (with {@code extraRecords}, such as a transaction's
     * acknowledgements) and enqueues them: at once, or only once stored when {@code visibleAfterStore}
     * (transactions, whose messages must not be seen before the commit is safe).
     *
     * @return completes when stored, and the broker's memory and any blocking queue have room
     */
    public CompletableFuture<Void> commit(List<PreparedPublish> publishes, List<StorageRecord> extraRecords,
                                          boolean visibleAfterStore) {
        return commit(publishes, extraRecords, visibleAfterStore, true);
    }

    /**
     * As {@link #commit(List, List, boolean)}; {@code holdForMemory} false completes without waiting for the
     * broker's memory to have room (a producer that is refused at the limit instead of held back).
     */
    public CompletableFuture<Void> commit(List<PreparedPublish> publishes, List<StorageRecord> extraRecords,
                                          boolean visibleAfterStore, boolean holdForMemory) {
        boolean waitForMemory = false;
        for (PreparedPublish p : publishes) {
            p.decidePaging(!visibleAfterStore);
            waitForMemory |= p.waitsForMemory();
        }
        List<StorageRecord> records = new ArrayList<>(extraRecords);
        for (PreparedPublish p : publishes) {
            p.addRecords(records);
        }
        CompletableFuture<Void> stored = records.isEmpty()
                ? CompletableFuture.completedFuture(null) : storage.append(records);
        CompletableFuture<Void> done;
        if (visibleAfterStore && !stored.isDone()) {
            done = stored.thenCompose(v -> enqueueAll(publishes));
        } else {
            CompletableFuture<Void> paged = enqueueAll(publishes);
            done = paged.isDone() ? stored : stored.thenCombine(paged, (a, b) -> null);
        }
        for (PreparedPublish p : publishes) {
            CompletableFuture<Void> unblocked = p.whenUnblocked();
            if (!unblocked.isDone()) {
                done = done.thenCombine(unblocked, (a, b) -> null);
            }
        }
        if (!waitForMemory || !holdForMemory) {
            return done;
        }
        CompletableFuture<Void> room = memory.whenAvailable();
        return room.isDone() ? done : done.thenCombine(room, (a, b) -> null);
    }

    private static CompletableFuture<Void> enqueueAll(List<PreparedPublish> publishes) {
        CompletableFuture<Void> all = null;
        for (PreparedPublish p : publishes) {
            CompletableFuture<Void> f = p.enqueue();
            if (!f.isDone() || f.isCompletedExceptionally()) {
                all = all == null ? f : all.thenCombine(f, (a, b) -> null);
            }
        }
        return all == null ? CompletableFuture.completedFuture(null) : all;
    }

    /** Gives back what {@link #prepare} reserved, for publishes that will not be committed. */
    public void abort(List<PreparedPublish> publishes) {
        publishes.forEach(PreparedPublish::abort);
    }

    @Override
    public boolean republish(Queue source, Message copy, DeadLetterTarget target, List<StorageRecord> sourceRecords) {
        String key = target.routingKey() != null ? target.routingKey() : copy.routingKey();
        try {
            if (target.isQueue() && !queues.containsKey(key)) {
                LOG.info("Creating dead-letter queue '{}' in vhost '{}' for queue '{}'", key, name, source.name());
                declareQueue(QueueDeclaration.durable(key), 0);
            }
            Exchange exchange = exchanges.get(target.exchange());
            if (exchange == null) {
                return false;
            }
            PreparedPublish p;
            try {
                p = prepare(copy.toBuilder().address(target.exchange()).routingKey(key).build(), exchange, key, source);
            } catch (BrokerException e) {
                LOG.warn("Vhost '{}': dead-letter target {} of queue '{}' refused a message: {}", name,
                        target.describe(), source.name(), e.getMessage());
                return false;
            }
            if (p.queueCount() == 0) {
                return false;
            }
            commit(List.of(p), sourceRecords, false);
            return true;
        } catch (BrokerException e) {
            LOG.warn("Vhost '{}': could not dead-letter from queue '{}' to {}: {}", name, source.name(),
                    target.describe(), e.getMessage());
            return false;
        }
    }

    // ------------------------------------------------------------------ queues

    /**
     * Declares a queue, AMQP 0-9-1 style: creates it, or checks that the existing one is equivalent.
     *
     * @param owner the declaring connection, for exclusive queues
     */
    public synchronized Declared<Queue> declareQueue(QueueDeclaration d, long owner) {
        String qname = d.name().isEmpty() ? "amq.gen-" + UUID.randomUUID() : d.name();
        validateName("queue", qname);
        Queue existing = queues.get(qname);
        if (d.passive()) {
            if (existing == null) {
                throw BrokerException.notFound("no queue '" + qname + "' in vhost '" + name + "'");
            }
            checkOwner(existing, owner);
            // RabbitMQ renews a queue's x-expires lease on any declare, passive ones included.
            existing.redeclared();
            return new Declared<>(existing, false, CompletableFuture.completedFuture(null));
        }
        if (existing != null) {
            checkOwner(existing, owner);
            checkEquivalent(existing, d);
            existing.redeclared();
            return new Declared<>(existing, false, CompletableFuture.completedFuture(null));
        }
        if (d.exclusive() && owner == 0) {
            throw BrokerException.invalid("an exclusive queue needs an owning connection");
        }
        QueueSettings settings = policies.settingsFor(qname).withArguments(d.arguments());
        Queue q = new Queue(queueIds.getAsLong(), name, qname, d.durable(), d.autoDelete(),
                d.exclusive() ? owner : 0, d.arguments(), settings, this);
        queues.put(qname, q);
        CompletableFuture<Void> stored = CompletableFuture.completedFuture(null);
        // Exclusive queues die with their connection, so they never outlive a restart.
        if (d.durable() && !d.exclusive()) {
            stored = storage.append(new StorageRecord.CreateQueue(
                    new QueueDefinition(q.id(), name, qname, d.autoDelete(), d.arguments())));
        }
        LOG.debug("Vhost '{}': declared {} queue '{}'", name, d.durable() ? "durable" : "transient", qname);
        return new Declared<>(q, true, stored);
    }

    /** A declaration's result: the object, whether it was new, and when its definition is stored. */
    public record Declared<T>(T value, boolean created, CompletableFuture<Void> stored) { }

    private void checkOwner(Queue q, long owner) {
        if (q.exclusive() && q.exclusiveOwner() != owner) {
            throw BrokerException.locked("queue '" + q.name() + "' in vhost '" + name
                    + "' is exclusive to another connection");
        }
    }

    private void checkEquivalent(Queue q, QueueDeclaration d) {
        if (q.durable() != d.durable()) {
            throw inequivalent(q.name(), "durable", d.durable(), q.durable());
        }
        if (q.exclusive() != d.exclusive()) {
            throw inequivalent(q.name(), "exclusive", d.exclusive(), q.exclusive());
        }
        if (q.autoDelete() != d.autoDelete()) {
            throw inequivalent(q.name(), "auto_delete", d.autoDelete(), q.autoDelete());
        }
        Set<String> keys = new LinkedHashSet<>(q.arguments().keySet());
        keys.addAll(d.arguments().keySet());
        for (String k : keys) {
            if (!Objects.equals(normal(q.arguments().get(k)), normal(d.arguments().get(k)))) {
                throw inequivalent(q.name(), k, d.arguments().get(k), q.arguments().get(k));
            }
        }
    }

    /** Integral argument values compare by value, whatever their box. */
    private static Object normal(Object v) {
        if (v instanceof Byte || v instanceof Short || v instanceof Integer) {
            return ((Number) v).longValue();
        }
        return v;
    }

    private BrokerException inequivalent(String queue, String arg, Object received, Object current) {
        return BrokerException.preconditionFailed("inequivalent arg '" + arg + "' for queue '" + queue + "' in vhost '"
                + name + "': received " + received + " but current is " + current);
    }

    /**
     * Deletes a queue and its bindings.
     *
     * @return the number of messages it held
     */
    public CompletableFuture<Long> deleteQueue(String queueName, boolean ifUnused, boolean ifEmpty, long owner) {
        Queue q;
        synchronized (this) {
            q = queues.get(queueName);
            if (q == null) {
                throw BrokerException.notFound("no queue '" + queueName + "' in vhost '" + name + "'");
            }
            checkOwner(q, owner);
            if (ifUnused && q.consumerCount() > 0) {
                throw BrokerException.preconditionFailed("queue '" + queueName + "' in vhost '" + name + "' in use");
            }
            if (ifEmpty && q.stats().total() > 0) {
                throw BrokerException.preconditionFailed("queue '" + queueName + "' in vhost '" + name
                        + "' is not empty");
            }
            removeQueue(q);
        }
        long count = q.stats().total();
        return q.delete("queue '" + queueName + "' was deleted").thenApply(v -> count);
    }

    /** Unregisters and unbinds; the caller then deletes the queue's contents. */
    private void removeQueue(Queue q) {
        queues.remove(q.name(), q);
        List<StorageRecord> records = new ArrayList<>();
        for (Binding b : List.copyOf(bindingsByTarget.getOrDefault(q, Set.of()))) {
            removeBinding(b, records);
        }
        bindingsByTarget.remove(q);
        if (q.durable() && !q.exclusive()) {
            records.add(new StorageRecord.DeleteQueue(q.id()));
        }
        if (!records.isEmpty()) {
            storage.append(records);
        }
    }

    /** Tells {@code events}' listeners of the messages that expire or are dead-lettered in this vhost's queues. */
    public void messageEvents(MessageEvents events) {
        this.messageEvents = events;
    }

    @Override
    public void messageLeft(Queue queue, MessageEvent.Kind kind, Message message, String reason) {
        MessageEvents events = messageEvents;
        if (!events.isEmpty()) {
            events.fire(new MessageEvent(kind, name, queue.name(), message, reason));
        }
    }

    @Override
    public void autoDelete(Queue q) {
        synchronized (this) {
            if (queues.get(q.name()) != q) {
                return;
            }
            removeQueue(q);
        }
        LOG.debug("Vhost '{}': auto-deleted queue '{}' after its last consumer left", name, q.name());
        q.delete("queue '" + q.name() + "' was auto-deleted");
    }

    @Override
    public void expired(Queue q) {
        synchronized (this) {
            if (queues.get(q.name()) != q) {
                return;
            }
            removeQueue(q);
        }
        LOG.info("Vhost '{}': deleted queue '{}': unused for its x-expires time", name, q.name());
        q.delete("queue '" + q.name() + "' expired");
    }

    /** Deletes the exclusive queues of a connection that closed. */
    public void deleteExclusiveQueues(long owner) {
        List<Queue> owned = new ArrayList<>();
        synchronized (this) {
            for (Queue q : queues.values()) {
                if (q.exclusiveOwner() == owner) {
                    removeQueue(q);
                    owned.add(q);
                }
            }
        }
        owned.forEach(q -> q.delete("exclusive queue '" + q.name() + "' was deleted with its connection"));
    }

    // ------------------------------------------------------------------ exchanges

    public synchronized Declared<Exchange> declareExchange(ExchangeDeclaration d) {
        Exchange existing = exchanges.get(d.name());
        if (d.passive()) {
            if (existing == null) {
                throw BrokerException.notFound("no exchange '" + d.name() + "' in vhost '" + name + "'");
            }
            return new Declared<>(existing, false, CompletableFuture.completedFuture(null));
        }
        if (existing != null) {
            if (existing.type() != d.type()) {
                throw BrokerException.preconditionFailed("inequivalent arg 'type' for exchange '" + d.name()
                        + "' in vhost '" + name + "': received '" + d.type().wireName() + "' but current is '"
                        + existing.type().wireName() + "'");
            }
            if (existing.durable() != d.durable()) {
                throw BrokerException.preconditionFailed("inequivalent arg 'durable' for exchange '" + d.name()
                        + "' in vhost '" + name + "': received " + d.durable() + " but current is " + existing.durable());
            }
            return new Declared<>(existing, false, CompletableFuture.completedFuture(null));
        }
        if (d.name().isEmpty() || d.name().startsWith("amq.")) {
            throw BrokerException.unauthorized("exchange name '" + d.name()
                    + "' is reserved: names starting with 'amq.' belong to the broker");
        }
        validateName("exchange", d.name());
        Exchange e = Exchange.create(d.type(), d.name(), d.durable(), d.autoDelete(), d.internal(), d.arguments());
        exchanges.put(d.name(), e);
        CompletableFuture<Void> stored = CompletableFuture.completedFuture(null);
        if (d.durable()) {
            stored = storage.append(new StorageRecord.CreateExchange(new ExchangeDefinition(name, d.name(), d.type(),
                    d.autoDelete(), d.internal(), d.arguments())));
        }
        return new Declared<>(e, true, stored);
    }

    public synchronized CompletableFuture<Void> deleteExchange(String exchangeName, boolean ifUnused) {
        Exchange e = exchanges.get(exchangeName);
        if (e == null) {
            throw BrokerException.notFound("no exchange '" + exchangeName + "' in vhost '" + name + "'");
        }
        if (exchangeName.isEmpty() || exchangeName.startsWith("amq.")) {
            throw BrokerException.unauthorized("exchange '" + exchangeName + "' belongs to the broker and cannot be deleted");
        }
        if (ifUnused && e.hasBindings()) {
            throw BrokerException.preconditionFailed("exchange '" + exchangeName + "' in vhost '" + name + "' in use");
        }
        return removeExchange(e);
    }

    private CompletableFuture<Void> removeExchange(Exchange e) {
        List<StorageRecord> records = new ArrayList<>();
        dropExchange(e, records);
        return records.isEmpty() ? CompletableFuture.completedFuture(null) : storage.append(records);
    }

    /**
     * Unregisters an exchange with every binding from it and to it (those may auto-delete their own
     * sources in turn). The bindings are removed through the exchange object itself: it is no longer
     * registered under its name, so a lookup by name would find nothing and leave them behind.
     */
    private void dropExchange(Exchange e, List<StorageRecord> records) {
        exchanges.remove(e.name(), e);
        for (Binding b : e.bindings()) {
            removeBinding(e, b, records);
        }
        for (Binding b : List.copyOf(bindingsByTarget.getOrDefault(e, Set.of()))) {
            removeBinding(b, records);
        }
        bindingsByTarget.remove(e);
        if (e.durable()) {
            records.add(new StorageRecord.DeleteExchange(name, e.name()));
        }
    }

    // ------------------------------------------------------------------ bindings

    public synchronized CompletableFuture<Void> bind(BindingDeclaration d) {
        Exchange source = requireExchange(d.exchange());
        if (source instanceof DefaultExchange) {
            throw BrokerException.invalid("the default exchange takes no explicit bindings: every queue is"
                    + " already reachable through it by its own name");
        }
        BindingTarget target = requireTarget(d);
        MessageFilter filter = d.filter() == null ? null : compileFilter(d.filter());
        Binding b = new Binding(source.name(), target, d.key(), d.arguments(), d.filter(), filter);
        source.addBinding(b);
        bindingsByTarget.computeIfAbsent(target, t -> new LinkedHashSet<>()).remove(b);
        bindingsByTarget.get(target).add(b);
        if (isDurable(source) && isDurable(target)) {
            return storage.append(new StorageRecord.CreateBinding(definition(b)));
        }
        return CompletableFuture.completedFuture(null);
    }

    public synchronized CompletableFuture<Void> unbind(BindingDeclaration d) {
        Exchange source = requireExchange(d.exchange());
        BindingTarget target = requireTarget(d);
        Binding b = new Binding(source.name(), target, d.key(), d.arguments(), null, null);
        List<StorageRecord> records = new ArrayList<>();
        if (!removeBinding(b, records)) {
            throw BrokerException.notFound("no binding from exchange '" + d.exchange() + "' to " + describe(d)
                    + " with key '" + d.key() + "' in vhost '" + name + "'");
        }
        return records.isEmpty() ? CompletableFuture.completedFuture(null) : storage.append(records);
    }

    private boolean removeBinding(Binding b, List<StorageRecord> records) {
        Exchange source = exchanges.get(b.exchange());
        return source != null && removeBinding(source, b, records);
    }

    private boolean removeBinding(Exchange source, Binding b, List<StorageRecord> records) {
        if (!source.removeBinding(b)) {
            return false;
        }
        Set<Binding> byTarget = bindingsByTarget.get(b.target());
        if (byTarget != null) {
            byTarget.remove(b);
        }
        if (isDurable(source) && isDurable(b.target())) {
            records.add(new StorageRecord.DeleteBinding(definition(b)));
        }
        if (source.autoDelete() && !source.hasBindings() && exchanges.get(source.name()) == source) {
            LOG.debug("Vhost '{}': auto-deleting exchange '{}' after its last binding went", name, source.name());
            dropExchange(source, records);
        }
        return true;
    }

    public synchronized List<Binding> bindingsTo(BindingTarget target) {
        return List.copyOf(bindingsByTarget.getOrDefault(target, Set.of()));
    }

    private Exchange requireExchange(String exchangeName) {
        Exchange e = exchanges.get(exchangeName);
        if (e == null) {
            throw BrokerException.notFound("no exchange '" + exchangeName + "' in vhost '" + name + "'");
        }
        return e;
    }

    private BindingTarget requireTarget(BindingDeclaration d) {
        BindingTarget t = switch (d.targetKind()) {
            case QUEUE -> queues.get(d.target());
            case EXCHANGE -> exchanges.get(d.target());
            case STREAM -> null;
        };
        if (t == null) {
            throw BrokerException.notFound("no " + describe(d) + " in vhost '" + name + "'");
        }
        return t;
    }

    private static String describe(BindingDeclaration d) {
        return d.targetKind().name().toLowerCase() + " '" + d.target() + "'";
    }

    private static boolean isDurable(BindingTarget t) {
        if (t instanceof Queue q) {
            return q.durable() && !q.exclusive();
        }
        return t instanceof Exchange e && e.durable();
    }

    private BindingDefinition definition(Binding b) {
        return new BindingDefinition(name, b.exchange(), b.target().kind(), b.target().name(), b.key(),
                b.arguments(), b.filterSpec());
    }

    // ------------------------------------------------------------------ recovery

    /** Re-creates a stored exchange (before any client connects). */
    public synchronized void recoverExchange(ExchangeDefinition d) {
        exchanges.put(d.name(), Exchange.create(d.type(), d.name(), true, d.autoDelete(), d.internal(), d.arguments()));
    }

    public synchronized Queue recoverQueue(QueueDefinition d) {
        QueueSettings settings = policies.settingsFor(d.name()).withArguments(d.arguments());
        Queue q = new Queue(d.id(), name, d.name(), true, d.autoDelete(), 0, d.arguments(), settings, this);
        queues.put(d.name(), q);
        return q;
    }

    public synchronized void recoverBinding(BindingDefinition d) {
        Exchange source = exchanges.get(d.exchange());
        BindingTarget target = d.targetKind() == BindingTarget.Kind.QUEUE ? queues.get(d.target())
                : exchanges.get(d.target());
        if (source == null || target == null) {
            LOG.warn("Vhost '{}': dropping stored binding {} -> {}: one end no longer exists", name, d.exchange(),
                    d.target());
            return;
        }
        MessageFilter filter = d.filter() == null ? null : compileFilter(d.filter());
        Binding b = new Binding(d.exchange(), target, d.key(), d.arguments(), d.filter(), filter);
        source.addBinding(b);
        bindingsByTarget.computeIfAbsent(target, t -> new LinkedHashSet<>()).add(b);
    }

    // ------------------------------------------------------------------ QueueHost

    @Override
    public BrokerRuntime runtime() {
        return runtime;
    }

    @Override
    public Storage storage() {
        return storage;
    }

    @Override
    public MemoryBudget memory() {
        return memory;
    }

    @Override
    public PageStore pageStore(long queueId) {
        return paging == null ? null : paging.store(queueId);
    }

    @Override
    public MessageFilter compileFilter(FilterSpec spec) {
        return filters.compile(spec);
    }

    /** Expires messages past their TTL in every queue; run periodically. */
    public void expireScan() {
        queues.values().forEach(Queue::expireScan);
    }

    private void validateName(String what, String n) {
        if (n.length() > MAX_NAME_LENGTH) {
            throw BrokerException.invalid(what + " name is " + n.length() + " characters long; the limit is "
                    + MAX_NAME_LENGTH);
        }
        for (int i = 0; i < n.length(); i++) {
            if (Character.isISOControl(n.charAt(i))) {
                throw BrokerException.invalid(what + " name '" + n.replaceAll("\\p{Cntrl}", "?")
                        + "' contains a control character");
            }
        }
    }

    @Override
    public String toString() {
        return "vhost '" + name + "'";
    }
}
