package io.ferrymq.core.queue;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.exec.SerialExecutor;
import io.ferrymq.core.filter.MessageFilter;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.paging.PagePosition;
import io.ferrymq.core.paging.PageStore;
import io.ferrymq.core.policy.QueueSettings;
import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * An ordered store of message references with ready, in-flight and scheduled states, delivering to
 * push consumers by credit and to pulls by long poll, and overflowing to page files when memory is full.
 *
 * <p>All state changes run on the queue's own {@link SerialExecutor}: the public methods are safe from
 * any thread and hop onto it. Only {@link QueueLimits} is touched by publishers directly, so that a
 * publisher learns synchronously whether a full queue rejects its message.
 *
 * <p>The work is done by parts that share one {@link QueueState} and all run on that executor:
 * {@link Publishing} and {@link Paging} (admission), {@link Dispatcher} and {@link ConsumerAttachments}
 * (hand-out), {@link Settlement} and {@link Departures} (what becomes of delivered messages), {@link Pulls},
 * {@link Administration} and {@link QueueExpiry}. This class makes the hop onto the executor and calls them.
 */
public final class Queue implements BindingTarget {

    private static final Logger LOG = LoggerFactory.getLogger(Queue.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** Dead-letter reasons, as RabbitMQ names them in {@code x-death}. */
    public static final String REASON_REJECTED = "rejected";
    public static final String REASON_EXPIRED = "expired";
    public static final String REASON_MAXLEN = "maxlen";
    public static final String REASON_DELIVERY_LIMIT = "delivery_limit";

    /** The journal state namespace holding each durable queue's page cursor. */
    public static final String PAGE_CURSOR_STATE = "paging.cursor";
    /**
     * The journal state namespace holding the deduplication ids durable queues remember, keyed
     * {@code queueId/deduplicationId}, each with the time it leaves the window.
     */
    public static final String DEDUPLICATION_STATE = "dedup.window";

    /**
     * What admission decided for one publish. A DUPLICATE (its deduplication id was seen within the
     * queue's window) is accepted but not enqueued.
     */
    public enum Admission { ACCEPTED, REJECTED, BLOCKED, DUPLICATE }

    private final long id;
    private final String vhost;
    private final String name;
    private final boolean durable;
    private final boolean autoDelete;
    private final long exclusiveOwner;
    private final Map<String, Object> arguments;
    private final QueueSettings settings;
    private final QueueHost host;
    private final SerialExecutor executor;
    private final QueueLimits limits;
    /** Null when the broker has nowhere to page to (in-memory storage). */
    private final QueuePager pager;

    // Owned by the executor.
    private final QueueState state;
    private final Publishing publishing;
    private final Paging paging;
    private final Dispatcher dispatcher;
    private final Settlement settlement;
    private final ConsumerAttachments attachments;
    private final Pulls pulls;
    private final Administration administration;
    private final QueueExpiry expiry;

    public Queue(long id, String vhost, String name, boolean durable, boolean autoDelete, long exclusiveOwner,
                 Map<String, Object> arguments, QueueSettings settings, QueueHost host) {
        this.id = id;
        this.vhost = vhost;
        this.name = name;
        this.durable = durable;
        this.autoDelete = autoDelete;
        this.exclusiveOwner = exclusiveOwner;
        this.arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
        long expiresAfter = QueueExpiry.leaseMillis(name, this.arguments);
        this.settings = settings;
        this.host = host;
        this.executor = host.runtime().newSerialExecutor();
        Clock clock = host.runtime().clock();
        Storage storage = host.storage();
        PageStore pages = host.pageStore(id);
        this.pager = pages == null ? null : new QueuePager(pages);
        this.limits = new QueueLimits(settings, host.memory(), pager != null, clock, expired -> {
            if (durable) {
                storage.append(new StorageRecord.DeleteState(DEDUPLICATION_STATE,
                        Publishing.deduplicationKey(id, expired)));
            }
        });
        this.state = new QueueState(new ScheduledRefs(host.runtime().scheduler(), clock, executor, this::promoteDue),
                new Leases(host.runtime().scheduler(), clock, executor, this::expireLeases));
        Departures departures = new Departures(this, host, state, limits, clock, storage);
        this.publishing = new Publishing(this, state, limits, departures, clock, storage, this::dispatch);
        this.paging = new Paging(this, host, state, limits, pager, publishing, storage, executor, this::dispatch);
        this.dispatcher = new Dispatcher(this, state, limits, departures, paging, clock, storage);
        this.settlement = new Settlement(this, state, limits, departures, clock, storage, this::dispatch);
        this.expiry = new QueueExpiry(this, host, state, expiresAfter, host.runtime().scheduler(), clock, executor);
        this.attachments = new ConsumerAttachments(this, host, state, settlement, executor, this::dispatch, expiry);
        this.pulls = new Pulls(this, state, host.runtime().scheduler(), executor, this::dispatch);
        this.administration = new Administration(this, state, limits, pager, departures, paging, clock, storage);
        executor.execute(expiry::start);
    }

    // ------------------------------------------------------------------ identity

    public long id() { return id; }
    public String vhost() { return vhost; }
    @Override
    public String name() { return name; }
    @Override
    public Kind kind() { return Kind.QUEUE; }
    public boolean durable() { return durable; }
    public boolean autoDelete() { return autoDelete; }
    /** The connection that owns this exclusive queue; 0 when not exclusive. */
    public long exclusiveOwner() { return exclusiveOwner; }
    public boolean exclusive() { return exclusiveOwner != 0; }
    public Map<String, Object> arguments() { return arguments; }
    public QueueSettings settings() { return settings; }

    // ------------------------------------------------------------------ publishing

    /**
     * Reserves room for a message about to be enqueued; called on the publisher's thread. A rejected
     * message must not be enqueued; an admitted one that is then not enqueued is given back with
     * {@link #cancelAdmission}.
     */
    public Admission admit(Message message, long size) {
        return limits.admit(message.deduplicationId(), size);
    }

    /**
     * For an admitted message: whether it goes to the page files ({@link #enqueuePaged}) rather than
     * memory ({@link #enqueue}), because the queue or the broker is at its memory limit.
     */
    public boolean pageOnAdmission(long size, boolean mayPage) {
        return limits.pageOnAdmission(size, mayPage);
    }

    /** Whether this queue pages (rather than blocks producers) when memory is full. */
    public boolean pagesWhenMemoryFull() {
        return pager != null && settings.memoryFull() == io.ferrymq.core.policy.MemoryFullPolicy.PAGE;
    }

    /**
     * The record that keeps an admitted message's deduplication id through a restart, for the publish to
     * store with the message; null when there is nothing to keep (no id, no window, a transient queue).
     */
    public StorageRecord deduplicationRecord(Message message) {
        return publishing.deduplicationRecord(message);
    }

    /**
     * Remembers a deduplication id recovered from storage (a {@link #DEDUPLICATION_STATE} value).
     *
     * @return false when it has left the window (or this queue keeps none): its record may go
     */
    public boolean restoreDeduplicationId(String id, byte[] until) {
        return publishing.restoreDeduplicationId(id, until);
    }

    public void cancelAdmission(Message message, long size) {
        limits.leave(size);
        limits.forgetDeduplicationId(message.deduplicationId());
    }

    /** Completes when the queue is back within its limits (for producers that were {@code BLOCKED}). */
    public CompletableFuture<Void> whenBelowLimits() {
        return limits.whenBelowLimits();
    }

    /**
     * Adds an admitted message kept in memory; the caller has {@link RoutedMessage#retain retained} it
     * and, if {@code stored}, written its reference record.
     */
    public void enqueue(RoutedMessage message, boolean stored) {
        executor.execute(() -> publishing.add(message, stored, 0, 0, false));
    }

    /**
     * {@link #enqueue} for one of several queues a message goes to: if this queue's executor was idle it is
     * added to {@code idle}, for the publisher to start them all with {@link SerialExecutor#startTogether}.
     */
    public void enqueueHeld(RoutedMessage message, boolean stored, List<SerialExecutor> idle) {
        if (executor.executeHeld(() -> publishing.add(message, stored, 0, 0, false))) {
            idle.add(executor);
        }
    }

    /**
     * Adds an admitted message to the page files. It gets its own broker id when it is read back (each
     * queue's paged copy is stored on its own). Completes when it is safe (durable messages on disk).
     */
    public CompletableFuture<Void> enqueuePaged(Message message) {
        long size = message.estimatedSize();
        return call(() -> paging.enqueue(message, size));
    }

    /** Re-adds a stored reference while the broker recovers, before any client connects. */
    public void recover(RoutedMessage message, int deliveryCount, long deliverAt, boolean possiblyDelivered) {
        limits.enter(message.size());
        limits.resident(message.size());
        executor.execute(() -> publishing.add(message, true, deliveryCount, deliverAt, possiblyDelivered));
    }

    /** Picks up the page files a previous run left, reading resumes at {@code cursor}. */
    public CompletableFuture<Void> recoverPages(PagePosition cursor) {
        if (pager == null) {
            return DONE;
        }
        return call(() -> paging.recover(cursor));
    }

    // ------------------------------------------------------------------ consumers

    /**
     * Attaches a consumer. Fails with RESOURCE_LOCKED when exclusivity forbids it, NOT_FOUND when the
     * queue was deleted, INVALID_ARGUMENT for a bad filter (reported at once, on the caller's thread).
     * {@code attached} runs on the queue's executor once the consumer exists and before anything is handed
     * to it, so that the path can announce it ahead of its deliveries.
     */
    public CompletableFuture<Subscription> addConsumer(ConsumeOptions options, DeliveryPath path,
                                                       java.util.function.Consumer<Subscription> attached) {
        MessageFilter filter = options.filter() == null ? null : host.compileFilter(options.filter());
        return call(() -> CompletableFuture.completedFuture(attachments.attach(options, filter, path, attached)));
    }

    void addCredit(Consumer c, int n) {
        executor.execute(() -> attachments.addCredit(c, n));
    }

    void creditUpTo(Consumer c, long totalDeliveries) {
        executor.execute(() -> attachments.creditUpTo(c, totalDeliveries));
    }

    CompletableFuture<Integer> drain(Consumer c) {
        return call(() -> CompletableFuture.completedFuture(attachments.drain(c)));
    }

    CompletableFuture<Void> removeConsumer(Consumer c) {
        return call(() -> {
            attachments.detach(c);
            return DONE;
        });
    }

    // ------------------------------------------------------------------ pulls

    /**
     * Takes up to {@code maxMessages}; waits up to {@code waitMillis} for the first one and answers as
     * soon as any arrive (SQS long polling). Completes with an empty list on timeout.
     */
    public CompletableFuture<List<Delivery>> pull(PullOptions options, long connectionId) {
        return call(() -> {
            expiry.used();
            return pulls.pull(options, connectionId);
        });
    }

    // ------------------------------------------------------------------ settlement

    /**
     * Settles an outstanding delivery. Push deliveries may only be settled by their own connection;
     * pulled ones by anyone allowed to consume (SQS receipt handles).
     *
     * @return completes when the settlement is durable (for acks of stored messages) or at once
     */
    public CompletableFuture<Void> settle(long deliveryId, Outcome outcome, long connectionId) {
        return call(() -> settlement.settle(deliveryId, outcome, connectionId, false));
    }

    /**
     * Settles outstanding deliveries of {@code connectionId} with one outcome in a single turn of the queue, as
     * {@link #settle} each of them: an acknowledgement of a range (OpenWire's standard ack of hundreds of
     * messages) costs one task on the queue's thread rather than one per delivery. An unknown delivery does not
     * keep the others from being settled.
     *
     * @return completes when every settlement is durable; fails with the first failure
     */
    public CompletableFuture<Void> settleAll(long[] deliveryIds, Outcome outcome, long connectionId) {
        return call(() -> {
            List<CompletableFuture<Void>> waiting = new ArrayList<>();
            BrokerException failure = null;
            for (long id : deliveryIds) {
                try {
                    CompletableFuture<Void> f = settlement.settle(id, outcome, connectionId, false);
                    if (!f.isDone() || f.isCompletedExceptionally()) {
                        waiting.add(f);
                    }
                } catch (BrokerException e) {
                    failure = failure == null ? e : failure;
                }
            }
            CompletableFuture<Void> all = waiting.isEmpty() ? DONE
                    : CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new));
            if (failure == null) {
                return all;
            }
            BrokerException first = failure;
            return all.handle((v, t) -> null).thenCompose(v -> CompletableFuture.<Void>failedFuture(first));
        });
    }

    /**
     * Settles a delivery whose acknowledgement a transaction has already stored (its reference deletion
     * went into the transaction's batch), so only what follows from it is stored here.
     */
    public CompletableFuture<Void> settleCommitted(long deliveryId, Outcome outcome, long connectionId) {
        return call(() -> settlement.settle(deliveryId, outcome, connectionId, true));
    }

    /**
     * Claims an outstanding delivery for a transaction of {@code connectionId}: until the transaction
     * settles it ({@link #settleCommitted}, or a requeue on rollback) it stays in flight even if its
     * consumer closes or its lease runs out, so a committed acknowledgement always finds it.
     */
    public CompletableFuture<Void> holdForTransaction(long deliveryId, long connectionId) {
        return call(() -> {
            settlement.holdForTransaction(deliveryId, connectionId);
            return DONE;
        });
    }

    /**
     * Returns what a closing connection pulled without a lease (basic.get without no-ack): nobody else
     * may settle those, so they would otherwise stay in flight until a restart.
     */
    public CompletableFuture<Void> releasePulls(long connectionId) {
        return call(() -> {
            settlement.releasePulls(connectionId);
            return DONE;
        });
    }

    /**
     * Sets how much longer a pulled delivery stays invisible, counted from now (SQS
     * ChangeMessageVisibility); 0 returns it to the queue at once.
     */
    public CompletableFuture<Void> changeLease(long deliveryId, long leaseMillis, long connectionId) {
        if (leaseMillis < 0) {
            throw BrokerException.invalid("lease must not be negative");
        }
        return call(() -> {
            settlement.changeLease(deliveryId, leaseMillis, connectionId);
            return DONE;
        });
    }

    // ------------------------------------------------------------------ administration

    /** Removes ready, scheduled and paged messages (and in-flight ones too if asked). @return how many */
    public CompletableFuture<Long> purge(boolean includeInFlight) {
        return call(() -> CompletableFuture.completedFuture(administration.purge(includeInFlight)));
    }

    /**
     * Deletes the queue's contents and detaches its consumers (told through their paths); the virtual
     * host has already unbound it and stored its deletion.
     */
    public CompletableFuture<Void> delete(String reason) {
        return call(() -> {
            expiry.cancel();
            administration.delete(reason);
            return DONE;
        });
    }

    /** The queue was declared again (passively too): its {@code x-expires} lease starts again. */
    public void redeclared() {
        executor.execute(expiry::used);
    }

    /** Expires ready messages past their TTL; the virtual host calls it periodically. */
    public void expireScan() {
        executor.execute(administration::expireScan);
    }

    /** Counters read without stopping the queue: approximate under load. */
    public QueueStats stats() {
        return state.counters.approximate(limits);
    }

    /** Exact counters, taken on the queue's executor. */
    public CompletableFuture<QueueStats> exactStats() {
        return call(() -> CompletableFuture.completedFuture(administration.exactStats()));
    }

    public int consumerCount() {
        return state.counters.consumers;
    }

    // ------------------------------------------------------------------ on the executor

    private void dispatch() {
        dispatcher.dispatch();
    }

    private void promoteDue() {
        dispatcher.promoteDue();
    }

    private void expireLeases() {
        settlement.expireLeases();
    }

    /** Runs {@code body} on the executor and relays its (possibly asynchronous) result. */
    private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                body.get().whenComplete((v, t) -> {
                    if (t != null) {
                        result.completeExceptionally(t);
                    } else {
                        result.complete(v);
                    }
                });
            } catch (BrokerException e) {
                result.completeExceptionally(e);
            } catch (RuntimeException e) {
                LOG.error("Queue '{}' failed an operation", name, e);
                result.completeExceptionally(BrokerException.from(e));
            }
        });
        return result;
    }

    /** The failure for operations on a deleted queue. */
    BrokerException gone() {
        return BrokerException.notFound("queue '" + name + "' was deleted");
    }

    @Override
    public String toString() {
        return "queue '" + name + "' in vhost '" + vhost + "'";
    }
}
