package io.ferrymq.core.queue;

import io.ferrymq.core.policy.QueueSettings;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.exec.SerialExecutor;
import io.ferrymq.core.filter.MessageFilter;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.paging.PagePosition;
import io.ferrymq.core.paging.PageStore;
import io.ferrymq.core.paging.PagedMessage;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.policy.OverflowPolicy;
import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
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
    private final Clock clock;
    private final Storage storage;
    private final QueueLimits limits;
    /** Null when the broker has nowhere to page to (in-memory storage). */
    private final QueuePager pager;

    // Owned by the executor.
    private final ReadyList ready = new ReadyList();
    private final Map<Long, MessageReference> inFlight = new HashMap<>();
    private final ScheduledRefs scheduled;
    private final Leases leases;
    private final ConsumerRing consumers = new ConsumerRing();
    private final List<Consumer> browsers = new ArrayList<>();
    private final ArrayDeque<PullRequest> pulls = new ArrayDeque<>();
    private final GroupOwners groups = new GroupOwners();
    private long nextSeq;
    private long nextDeliveryId;
    private long nextConsumerId;
    private boolean deleted;
    private boolean hadConsumer;

    // Counters: written on the executor, read anywhere.
    private volatile long enqueued;
    private volatile long acknowledged;
    private volatile long expiredCount;
    private volatile long deadLettered;
    private volatile long dropped;
    private volatile int consumerCount;
    private volatile long inFlightCount;
    private volatile long scheduledCount;
    private volatile long pagedCount;

    public Queue(long id, String vhost, String name, boolean durable, boolean autoDelete, long exclusiveOwner,
                 Map<String, Object> arguments, QueueSettings settings, QueueHost host) {
        this.id = id;
        this.vhost = vhost;
        this.name = name;
        this.durable = durable;
        this.autoDelete = autoDelete;
        this.exclusiveOwner = exclusiveOwner;
        this.arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
        this.settings = settings;
        this.host = host;
        this.executor = host.runtime().newSerialExecutor();
        this.clock = host.runtime().clock();
        this.storage = host.storage();
        PageStore pages = host.pageStore(id);
        this.pager = pages == null ? null : new QueuePager(pages);
        this.limits = new QueueLimits(settings, host.memory(), pager != null, clock, expired -> {
            if (durable) {
                storage.append(new StorageRecord.DeleteState(DEDUPLICATION_STATE, deduplicationKey(expired)));
            }
        });
        this.scheduled = new ScheduledRefs(host.runtime().scheduler(), clock, executor, this::promoteDue);
        this.leases = new Leases(host.runtime().scheduler(), clock, executor, this::expireLeases);
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
        Deduplicator d = limits.deduplicator();
        String id = message.deduplicationId();
        if (!durable || d == null || id == null) {
            return null;
        }
        long until = d.until(id);
        if (until == 0) {
            return null;
        }
        return new StorageRecord.PutState(DEDUPLICATION_STATE, deduplicationKey(id),
                java.nio.ByteBuffer.allocate(Long.BYTES).putLong(until).array());
    }

    /**
     * Remembers a deduplication id recovered from storage (a {@link #DEDUPLICATION_STATE} value).
     *
     * @return false when it has left the window (or this queue keeps none): its record may go
     */
    public boolean restoreDeduplicationId(String id, byte[] until) {
        Deduplicator d = limits.deduplicator();
        return d != null && until.length == Long.BYTES && d.restore(id, java.nio.ByteBuffer.wrap(until).getLong());
    }

    private String deduplicationKey(String id) {
        return this.id + "/" + id;
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
        executor.execute(() -> add(message, stored, 0, 0, false));
    }

    /**
     * Adds an admitted message to the page files. It gets its own broker id when it is read back (each
     * queue's paged copy is stored on its own). Completes when it is safe (durable messages on disk).
     */
    public CompletableFuture<Void> enqueuePaged(Message message) {
        long size = message.estimatedSize();
        return call(() -> {
            if (deleted) {
                limits.leave(size);
                return DONE;
            }
            if (!pager.hasPages() && !pager.reading() && limits.roomToDepage()) {
                // The pages drained meanwhile: straight to memory, so nothing overtakes it.
                limits.pagingDone();
                return intoMemory(List.of(message), null);
            }
            pagedCount = pager.messages() + 1;
            CompletableFuture<Void> written = pager.append(message, size);
            // A consumer may be waiting while nothing else on this queue moves: read back now if there is room
            // (the page thread runs the read after the write).
            maybeDepage();
            return written;
        });
    }

    /** Re-adds a stored reference while the broker recovers, before any client connects. */
    public void recover(RoutedMessage message, int deliveryCount, long deliverAt, boolean possiblyDelivered) {
        limits.enter(message.size());
        limits.resident(message.size());
        executor.execute(() -> add(message, true, deliveryCount, deliverAt, possiblyDelivered));
    }

    /** Picks up the page files a previous run left, reading resumes at {@code cursor}. */
    public CompletableFuture<Void> recoverPages(PagePosition cursor) {
        if (pager == null) {
            return DONE;
        }
        return call(() -> pager.recover(cursor).thenAccept(backlog -> executor.execute(() -> {
            pager.recovered(backlog);
            pagedCount = backlog.messages();
            if (backlog.messages() > 0) {
                limits.pagingStarted();
                limits.enterAll(backlog.messages(), backlog.bytes());
                LOG.info("Queue '{}': {} message(s) wait in page files", name, backlog.messages());
            }
            dispatch();
        })));
    }

    private void add(RoutedMessage m, boolean stored, int deliveryCount, long deliverAt, boolean possiblyDelivered) {
        if (deleted) {
            limits.leave(m.size());
            limits.resident(-m.size());
            if (m.release(stored)) {
                storage.append(new StorageRecord.DeleteMessage(m.message().id()));
            }
            return;
        }
        MessageReference ref = newReference(m, stored, deliverAt);
        ref.deliveryCount = deliveryCount;
        ref.possiblyDelivered = possiblyDelivered;
        place(ref);
        if (settings.overflow() == OverflowPolicy.DROP_HEAD && settings.hasLimits()) {
            shedHead();
        }
        dispatch();
    }

    private MessageReference newReference(RoutedMessage m, boolean stored, long deliverAt) {
        long now = clock.millis();
        long expiresAt = m.message().expiration();
        if (settings.messageTtlMillis() > 0) {
            long ttlAt = now + settings.messageTtlMillis();
            expiresAt = expiresAt == 0 ? ttlAt : Math.min(expiresAt, ttlAt);
        }
        long at = deliverAt > 0 ? deliverAt : m.message().deliveryTime();
        return new MessageReference(m, nextSeq++, stored, expiresAt, at);
    }

    private void place(MessageReference ref) {
        enqueued++;
        if (ref.deliverAt > clock.millis()) {
            scheduled.add(ref);
            scheduledCount = scheduled.size();
        } else {
            ready.addLast(ref);
        }
    }

    /**
     * Brings messages read from the page files (or never written there) into memory, each under a new
     * broker id, storing them and the new page cursor in one batch: after a crash either they are in the
     * journal and the cursor is past them, or neither.
     */
    private CompletableFuture<Void> intoMemory(List<Message> messages, PagePosition cursor) {
        List<StorageRecord> records = new ArrayList<>();
        for (Message original : messages) {
            Message m = original.withId(host.nextMessageId());
            RoutedMessage routed = new RoutedMessage(m, host.memory());
            boolean stored = m.durable() && durable;
            routed.retain(stored);
            limits.resident(routed.size());
            if (stored) {
                records.add(new StorageRecord.AddMessage(m));
                records.add(new StorageRecord.AddReference(id, m.id(), m.deliveryTime()));
            }
            place(newReference(routed, stored, 0));
        }
        if (cursor != null && durable) {
            records.add(new StorageRecord.PutState(PAGE_CURSOR_STATE, Long.toString(id), cursor.encode()));
        }
        // Appended before any of them can be handed out: a delivery settled on hand-out appends its
        // deletion at once, and a deletion the journal holds before the message it deletes is replayed as
        // a no-op, bringing the consumed message back on the next start.
        CompletableFuture<Void> stored = records.isEmpty() ? DONE : storage.append(records);
        dispatch();
        return stored;
    }

    /**
     * Reads the next page batch back when memory has room and few messages are ready, or when a consumer (or a
     * pull) waits on a queue well within its share of memory: messages held elsewhere (a stalled consumer's
     * unacknowledged ones) must not starve it.
     */
    private void maybeDepage() {
        if (pager == null || deleted || pager.reading() || !pager.hasPages() || ready.size() >= QueuePager.LOW_WATER) {
            return;
        }
        if (!limits.roomToDepage() && !(limits.wellWithinShare() && (!pulls.isEmpty()
                || consumers.anyCredit(settings.singleActiveConsumer())))) {
            return;
        }
        pager.readNext().whenComplete((batch, t) -> executor.execute(() -> depaged(batch, t)));
    }

    private void depaged(List<PagedMessage> batch, Throwable failure) {
        if (deleted) {
            return;
        }
        if (failure != null) {
            pager.readFailed();
            LOG.error("Queue '{}': reading page files failed; {} message(s) stay on disk", name, pager.messages(), failure);
            return;
        }
        if (batch.isEmpty()) {
            pager.exhausted();
        } else {
            long bytes = 0;
            List<Message> messages = new ArrayList<>(batch.size());
            for (PagedMessage pm : batch) {
                messages.add(pm.message());
                bytes += pm.message().estimatedSize();
            }
            PagePosition next = batch.get(batch.size() - 1).next();
            pager.took(batch.size(), bytes, next);
            // The files may go only once the journal has what was read from them, and the next batch is
            // read only then too: reading faster than the journal writes would just pile up in memory.
            intoMemory(messages, next).whenComplete((v, t) -> executor.execute(() -> {
                if (t == null) {
                    pager.consumed(next);
                }
                pager.stored();
                dispatch();
            }));
        }
        pagedCount = pager.messages();
        if (!pager.hasPages()) {
            limits.pagingDone();
        }
        dispatch();
    }

    private void shedHead() {
        while (limits.overLimits()) {
            MessageReference victim = ready.oldestLowest();
            if (victim == null) {
                return;
            }
            takeFromReady(victim);
            deadLetter(victim, REASON_MAXLEN, "the queue was over its max-length or max-bytes limit");
        }
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
        return call(() -> {
            if (deleted) {
                throw gone();
            }
            if (exclusiveOwner != 0 && exclusiveOwner != path.connectionId()) {
                throw BrokerException.locked("queue '" + name + "' is exclusive to another connection");
            }
            if (!options.browse()) {
                if (consumers.anyExclusive()) {
                    throw BrokerException.locked("queue '" + name + "' has an exclusive consumer");
                }
                if (options.exclusive() && !consumers.isEmpty()) {
                    throw BrokerException.locked("cannot consume exclusively from queue '" + name + "': it has "
                            + consumers.size() + " consumer(s)");
                }
            }
            Consumer c = new Consumer(++nextConsumerId, this, options, filter, path);
            if (options.browse()) {
                browsers.add(c);
            } else {
                consumers.add(c);
                hadConsumer = true;
            }
            consumerCount = consumers.size() + browsers.size();
            attached.accept(c);
            executor.execute(this::dispatch);
            return CompletableFuture.completedFuture((Subscription) c);
        });
    }

    void addCredit(Consumer c, int n) {
        executor.execute(() -> {
            if (c.closed) {
                return;
            }
            c.credit = (int) Math.min(Integer.MAX_VALUE, (long) c.credit + n);
            dispatch();
        });
    }

    void creditUpTo(Consumer c, long totalDeliveries) {
        executor.execute(() -> {
            if (c.closed) {
                return;
            }
            c.credit = (int) Math.max(0, Math.min(Integer.MAX_VALUE, totalDeliveries - c.delivered));
            dispatch();
        });
    }

    CompletableFuture<Integer> drain(Consumer c) {
        return call(() -> {
            dispatch();
            int unused = c.closed ? 0 : c.credit;
            c.credit = 0;
            return CompletableFuture.completedFuture(unused);
        });
    }

    CompletableFuture<Void> removeConsumer(Consumer c) {
        return call(() -> {
            detach(c);
            return DONE;
        });
    }

    private void detach(Consumer c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        if (!consumers.remove(c)) {
            browsers.remove(c);
        }
        consumerCount = consumers.size() + browsers.size();
        c.path.detached(c);
        for (MessageReference r : inFlightInOrder(ref -> ref.owner == c)) {
            if (r.heldByTx != 0) {
                // Its transaction decides: it stays in flight without a consumer until commit or rollback.
                c.inFlight--;
                r.owner = null;
                continue;
            }
            leaveFlight(r);
            // A consumer that goes away mid-delivery may have crashed on the message: count the attempt.
            returnToQueue(r, true);
        }
        if (autoDelete && hadConsumer && consumers.isEmpty() && browsers.isEmpty() && !deleted) {
            host.autoDelete(this);
        }
        dispatch();
    }

    private List<MessageReference> inFlightInOrder(java.util.function.Predicate<MessageReference> which) {
        List<MessageReference> out = new ArrayList<>();
        for (MessageReference r : inFlight.values()) {
            if (which.test(r)) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparingLong(r -> r.seq));
        return out;
    }

    // ------------------------------------------------------------------ pulls

    /**
     * Takes up to {@code maxMessages}; waits up to {@code waitMillis} for the first one and answers as
     * soon as any arrive (SQS long polling). Completes with an empty list on timeout.
     */
    public CompletableFuture<List<Delivery>> pull(PullOptions options, long connectionId) {
        return call(() -> {
            if (deleted) {
                throw gone();
            }
            PullRequest p = new PullRequest(options, connectionId);
            pulls.add(p);
            dispatch();
            if (!p.result.isDone()) {
                if (options.waitMillis() == 0) {
                    finishPull(p);
                } else {
                    p.timer = host.runtime().scheduler().schedule(() -> executor.execute(() -> {
                        if (!p.result.isDone()) {
                            finishPull(p);
                        }
                    }), options.waitMillis());
                }
            }
            return p.result;
        });
    }

    private void finishPull(PullRequest p) {
        pulls.remove(p);
        // Groups it took stay blocked until their messages settle: nobody else is that owner.
        groups.transfer(p, new Object());
        p.complete();
    }

    // ------------------------------------------------------------------ settlement

    /**
     * Settles an outstanding delivery. Push deliveries may only be settled by their own connection;
     * pulled ones by anyone allowed to consume (SQS receipt handles).
     *
     * @return completes when the settlement is durable (for acks of stored messages) or at once
     */
    public CompletableFuture<Void> settle(long deliveryId, Outcome outcome, long connectionId) {
        return settle(deliveryId, outcome, connectionId, false);
    }

    /**
     * Settles a delivery whose acknowledgement a transaction has already stored (its reference deletion
     * went into the transaction's batch), so only what follows from it is stored here.
     */
    public CompletableFuture<Void> settleCommitted(long deliveryId, Outcome outcome, long connectionId) {
        return settle(deliveryId, outcome, connectionId, true);
    }

    private CompletableFuture<Void> settle(long deliveryId, Outcome outcome, long connectionId, boolean refStored) {
        return call(() -> {
            MessageReference ref = outstanding(deliveryId, connectionId);
            // leaveFlight forgets the owner, which an undeliverable-here modify still needs.
            Consumer owner = ref.owner;
            leaveFlight(ref);
            CompletableFuture<Void> result = DONE;
            if (outcome instanceof Outcome.Accept) {
                result = acknowledge(ref, refStored);
            } else if (outcome instanceof Outcome.Reject r) {
                deadLetter(ref, REASON_REJECTED, r.reason());
            } else {
                modify(ref, (Outcome.Modify) outcome, owner);
            }
            dispatch();
            return result;
        });
    }

    /**
     * Claims an outstanding delivery for a transaction of {@code connectionId}: until the transaction
     * settles it ({@link #settleCommitted}, or a requeue on rollback) it stays in flight even if its
     * consumer closes or its lease runs out, so a committed acknowledgement always finds it.
     */
    public CompletableFuture<Void> holdForTransaction(long deliveryId, long connectionId) {
        return call(() -> {
            MessageReference ref = outstanding(deliveryId, connectionId);
            if (ref.heldByTx != 0) {
                throw BrokerException.illegalState("delivery " + deliveryId + " on queue '" + name
                        + "' is already settled in an open transaction");
            }
            ref.heldByTx = connectionId;
            return DONE;
        });
    }

    /**
     * Returns what a closing connection pulled without a lease (basic.get without no-ack): nobody else
     * may settle those, so they would otherwise stay in flight until a restart.
     */
    public CompletableFuture<Void> releasePulls(long connectionId) {
        return call(() -> {
            List<MessageReference> pulled = inFlightInOrder(r -> r.pulledBy == connectionId && r.heldByTx == 0);
            for (MessageReference r : pulled) {
                leaveFlight(r);
                returnToQueue(r, true);
            }
            if (!pulled.isEmpty()) {
                dispatch();
            }
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
            MessageReference ref = outstanding(deliveryId, connectionId);
            if (leaseMillis == 0) {
                leaveFlight(ref);
                returnToQueue(ref, true);
                dispatch();
            } else {
                leases.start(ref, clock.millis() + leaseMillis);
            }
            return DONE;
        });
    }

    private MessageReference outstanding(long deliveryId, long connectionId) {
        MessageReference ref = inFlight.get(deliveryId);
        if (ref == null) {
            throw BrokerException.notFound("delivery " + deliveryId + " is not outstanding on queue '" + name
                    + "': it was already settled, or it went back to the queue and was delivered again");
        }
        long belongsTo = ref.heldByTx != 0 ? ref.heldByTx
                : ref.owner != null ? ref.owner.path.connectionId() : ref.pulledBy;
        if (belongsTo != 0 && belongsTo != connectionId) {
            throw BrokerException.illegalState("delivery " + deliveryId + " on queue '" + name
                    + "' belongs to another connection");
        }
        return ref;
    }

    private CompletableFuture<Void> acknowledge(MessageReference ref, boolean refStored) {
        acknowledged++;
        List<StorageRecord> records = release(ref);
        if (refStored && !records.isEmpty()) {
            records = records.subList(1, records.size());
        }
        limits.unblockIfRoom();
        return records.isEmpty() ? DONE : storage.append(records);
    }

    private void modify(MessageReference ref, Outcome.Modify m, Consumer owner) {
        if (!m.deliveryFailed()) {
            ref.deliveryCount = Math.max(0, ref.deliveryCount - 1);
        }
        if (m.undeliverableHere()) {
            ref.refusedBy = owner;
        }
        if (!m.annotations().isEmpty()) {
            // Kept in memory only: the stored copy keeps its original properties.
            Message.Builder b = ref.message().toBuilder();
            m.annotations().forEach(b::property);
            ref.annotated = b.build().withId(ref.messageId());
        }
        returnToQueue(ref, m.deliveryFailed());
    }

    // ------------------------------------------------------------------ administration

    /** Removes ready, scheduled and paged messages (and in-flight ones too if asked). @return how many */
    public CompletableFuture<Long> purge(boolean includeInFlight) {
        return call(() -> {
            long n = 0;
            List<StorageRecord> records = new ArrayList<>();
            for (MessageReference r = ready.first(); r != null; r = ready.first()) {
                takeFromReady(r);
                records.addAll(release(r));
                n++;
            }
            for (MessageReference r : scheduled.drain()) {
                limits.leave(r.size());
                limits.resident(-r.size());
                records.addAll(release(r));
                n++;
            }
            scheduledCount = 0;
            if (includeInFlight) {
                for (MessageReference r : new ArrayList<>(inFlight.values())) {
                    leaveFlight(r);
                    records.addAll(release(r));
                    n++;
                }
            }
            if (pager != null && pager.hasPages()) {
                long paged = pager.messages();
                limits.leaveAll(paged, pager.bytes());
                n += paged;
                pager.clear().thenAccept(cursor -> {
                    if (durable) {
                        storage.append(new StorageRecord.PutState(PAGE_CURSOR_STATE, Long.toString(id), cursor.encode()));
                    }
                });
                pagedCount = 0;
                limits.pagingDone();
            }
            dropped += n;
            limits.unblockIfRoom();
            if (!records.isEmpty()) {
                storage.append(records);
            }
            return CompletableFuture.completedFuture(n);
        });
    }

    /**
     * Deletes the queue's contents and detaches its consumers (told through their paths); the virtual
     * host has already unbound it and stored its deletion.
     */
    public CompletableFuture<Void> delete(String reason) {
        return call(() -> {
            if (deleted) {
                return DONE;
            }
            deleted = true;
            scheduled.cancel();
            leases.cancel();
            BrokerException why = BrokerException.notFound(reason);
            List<Consumer> all = new ArrayList<>(consumers.all());
            all.addAll(browsers);
            for (Consumer c : all) {
                c.closed = true;
                c.path.closedByBroker(c, why);
            }
            consumers.all().clear();
            browsers.clear();
            consumerCount = 0;
            for (PullRequest p : pulls) {
                p.timer.cancel();
                p.result.completeExceptionally(why);
            }
            pulls.clear();
            List<StorageRecord> records = new ArrayList<>();
            for (MessageReference r = ready.first(); r != null; r = ready.first()) {
                ready.remove(r);
                dropRef(r, records);
            }
            scheduled.drain().forEach(r -> dropRef(r, records));
            inFlight.values().forEach(r -> dropRef(r, records));
            inFlight.clear();
            inFlightCount = 0;
            scheduledCount = 0;
            if (pager != null) {
                pager.delete();
                pagedCount = 0;
                if (durable) {
                    records.add(new StorageRecord.DeleteState(PAGE_CURSOR_STATE, Long.toString(id)));
                }
            }
            limits.reset();
            limits.unblockIfRoom();
            if (!records.isEmpty()) {
                storage.append(records);
            }
            return DONE;
        });
    }

    /** On deletion the queue's references go with it; only messages nobody else holds are deleted. */
    private void dropRef(MessageReference r, List<StorageRecord> records) {
        r.state = MessageReference.State.GONE;
        if (r.routed.release(r.stored)) {
            records.add(new StorageRecord.DeleteMessage(r.messageId()));
        }
    }

    /** Expires ready messages past their TTL; the virtual host calls it periodically. */
    public void expireScan() {
        executor.execute(() -> {
            long now = clock.millis();
            MessageReference r = ready.first();
            while (r != null) {
                MessageReference next = ready.after(r);
                if (r.isExpired(now)) {
                    takeFromReady(r);
                    expire(r);
                }
                r = next;
            }
            limits.unblockIfRoom();
            maybeDepage();
        });
    }

    /** Counters read without stopping the queue: approximate under load. */
    public QueueStats stats() {
        long inflight = inFlightCount;
        long sched = scheduledCount;
        long paged = pagedCount;
        long readyNow = Math.max(0, limits.depth() - sched - paged);
        return new QueueStats(readyNow, inflight, sched, limits.depthBytes(), consumerCount, enqueued, acknowledged,
                expiredCount, deadLettered, dropped, paged);
    }

    /** Exact counters, taken on the queue's executor. */
    public CompletableFuture<QueueStats> exactStats() {
        return call(() -> CompletableFuture.completedFuture(new QueueStats(ready.size(), inFlight.size(),
                scheduled.size(), ready.bytes(), consumers.size() + browsers.size(), enqueued, acknowledged,
                expiredCount, deadLettered, dropped, pager == null ? 0 : pager.messages())));
    }

    public int consumerCount() {
        return consumerCount;
    }

    // ------------------------------------------------------------------ dispatch

    private void dispatch() {
        if (deleted) {
            return;
        }
        if (!browsers.isEmpty()) {
            serveBrowsers();
        }
        boolean single = settings.singleActiveConsumer();
        if (!pulls.isEmpty() || consumers.anyCredit(single)) {
            deliverReady(single);
        }
        limits.unblockIfRoom();
        maybeDepage();
    }

    private void deliverReady(boolean single) {
        long now = clock.millis();
        MessageReference ref = ready.first();
        while (ref != null) {
            MessageReference next = ready.after(ref);
            if (ref.isExpired(now)) {
                takeFromReady(ref);
                expire(ref);
            } else {
                Receiver receiver = pick(ref, single);
                if (receiver != null) {
                    takeFromReady(ref);
                    deliver(ref, receiver, now);
                    if (!anyReceiverWaiting(single)) {
                        break;
                    }
                }
            }
            ref = next;
        }
        for (Iterator<PullRequest> it = pulls.iterator(); it.hasNext(); ) {
            PullRequest p = it.next();
            if (!p.collected.isEmpty()) {
                it.remove();
                groups.transfer(p, new Object());
                p.complete();
            }
        }
    }

    private boolean anyReceiverWaiting(boolean single) {
        for (PullRequest p : pulls) {
            if (p.hasCredit()) {
                return true;
            }
        }
        return consumers.anyCredit(single);
    }

    private Receiver pick(MessageReference ref, boolean single) {
        Object required = groups.requiredReceiver(ref.group);
        for (PullRequest p : pulls) {
            if (p.hasCredit() && (required == null || required == p)) {
                return p;
            }
        }
        return consumers.pick(ref, single, required);
    }

    private void deliver(MessageReference ref, Receiver receiver, long now) {
        ref.deliveryCount++;
        if (ref.firstDeliveredAt == 0) {
            ref.firstDeliveredAt = now;
        }
        boolean redelivered = ref.deliveryCount > 1 || ref.possiblyDelivered;
        Message message = ref.message();
        if (receiver instanceof Consumer c) {
            c.credit--;
            c.delivered++;
            if (c.options.settlesOnHandout(message)) {
                settleOnHandout(ref);
                c.path.handoff(new Delivery(this, 0, message, ref.deliveryCount, redelivered, c, ref.firstDeliveredAt));
                return;
            }
            putInFlight(ref, c);
            c.inFlight++;
            groups.delivered(ref.group, c);
            c.path.handoff(new Delivery(this, ref.deliveryId, message, ref.deliveryCount, redelivered, c,
                    ref.firstDeliveredAt));
            return;
        }
        PullRequest p = (PullRequest) receiver;
        if (p.options.autoSettle()) {
            settleOnHandout(ref);
            p.collected.add(new Delivery(this, 0, message, ref.deliveryCount, redelivered, null, ref.firstDeliveredAt));
            return;
        }
        putInFlight(ref, null);
        groups.delivered(ref.group, p);
        if (p.options.leaseMillis() >= 0) {
            leases.start(ref, now + p.options.leaseMillis());
        } else {
            ref.pulledBy = p.connectionId;
        }
        p.collected.add(new Delivery(this, ref.deliveryId, message, ref.deliveryCount, redelivered, null,
                ref.firstDeliveredAt));
    }

    private void settleOnHandout(MessageReference ref) {
        acknowledged++;
        List<StorageRecord> records = release(ref);
        if (!records.isEmpty()) {
            storage.append(records);
        }
    }

    private void putInFlight(MessageReference ref, Consumer owner) {
        ref.state = MessageReference.State.IN_FLIGHT;
        ref.deliveryId = ++nextDeliveryId;
        ref.owner = owner;
        inFlight.put(ref.deliveryId, ref);
        inFlightCount = inFlight.size();
    }

    private void leaveFlight(MessageReference ref) {
        inFlight.remove(ref.deliveryId);
        inFlightCount = inFlight.size();
        if (ref.owner != null) {
            ref.owner.inFlight--;
        }
        groups.settled(ref.group);
        ref.owner = null;
        ref.leaseDeadline = 0;
        ref.pulledBy = 0;
        ref.heldByTx = 0;
    }

    /** Puts a delivered message back: ready again, delayed, or dead-lettered past max deliveries. */
    private void returnToQueue(MessageReference ref, boolean failed) {
        if (failed && settings.maxDeliveries() > 0 && ref.deliveryCount >= settings.maxDeliveries()) {
            deadLetter(ref, REASON_DELIVERY_LIMIT, "delivered " + ref.deliveryCount
                    + " times without being acknowledged (max deliveries " + settings.maxDeliveries() + ")");
            return;
        }
        limits.enter(ref.size());
        limits.resident(ref.size());
        List<StorageRecord> records = new ArrayList<>(2);
        if (ref.stored && failed) {
            records.add(new StorageRecord.UpdateDeliveryCount(id, ref.messageId(), ref.deliveryCount));
        }
        if (failed && settings.redeliveryDelayMillis() > 0) {
            ref.deliverAt = clock.millis() + settings.redeliveryDelayMillis();
            if (ref.stored) {
                records.add(new StorageRecord.UpdateScheduledTime(id, ref.messageId(), ref.deliverAt));
            }
            scheduled.add(ref);
            scheduledCount = scheduled.size();
        } else {
            ref.state = MessageReference.State.READY;
            ready.addInOrder(ref);
        }
        if (!records.isEmpty()) {
            storage.append(records);
        }
    }

    private void serveBrowsers() {
        for (Consumer b : browsers) {
            if (!b.hasCredit()) {
                continue;
            }
            List<MessageReference> unseen = new ArrayList<>();
            for (MessageReference r = ready.first(); r != null; r = ready.after(r)) {
                if (r.seq > b.browseCursor && b.accepts(r)) {
                    unseen.add(r);
                }
            }
            unseen.sort(Comparator.comparingLong(r -> r.seq));
            for (MessageReference r : unseen) {
                if (!b.hasCredit()) {
                    break;
                }
                b.credit--;
                b.delivered++;
                b.browseCursor = r.seq;
                b.path.handoff(new Delivery(this, 0, r.message(), r.deliveryCount, r.deliveryCount > 0, b,
                        r.firstDeliveredAt));
            }
        }
    }

    // ------------------------------------------------------------------ time

    private void promoteDue() {
        for (MessageReference r : scheduled.due(clock.millis())) {
            r.state = MessageReference.State.READY;
            ready.addInOrder(r);
        }
        scheduledCount = scheduled.size();
        dispatch();
    }

    private void expireLeases() {
        for (MessageReference r : leases.expired(clock.millis())) {
            leaveFlight(r);
            returnToQueue(r, true);
        }
        dispatch();
    }

    // ------------------------------------------------------------------ leaving the queue

    private void takeFromReady(MessageReference ref) {
        ready.remove(ref);
        limits.leave(ref.size());
        limits.resident(-ref.size());
    }

    private void expire(MessageReference ref) {
        deadLetter(ref, REASON_EXPIRED, null);
    }

    /**
     * Moves a message that is no longer ready or in flight to the dead-letter (or expiry) target, or
     * drops it when the queue has none.
     */
    private void deadLetter(MessageReference ref, String reason, String detail) {
        boolean expiry = REASON_EXPIRED.equals(reason);
        DeadLetterTarget target = expiry ? settings.expiry() : settings.deadLetter();
        Message copy = target == null ? null
                : DeadLetterCopy.of(ref.message(), name, reason, detail, ref.deliveryCount, clock.millis());
        List<StorageRecord> records = release(ref);
        boolean moved = target != null && host.republish(this, copy, target, records);
        if (expiry) {
            expiredCount++;
        } else if (moved) {
            deadLettered++;
        } else {
            dropped++;
        }
        if (!moved) {
            if (target != null) {
                LOG.debug("Queue '{}': {} message {} dropped, its {} target {} routes nowhere", name, reason,
                        ref.messageId(), expiry ? "expiry" : "dead-letter", target.describe());
            }
            if (!records.isEmpty()) {
                storage.append(records);
            }
        }
        limits.unblockIfRoom();
    }

    /** Lets go of a reference that has left the queue for good. @return the records that store that */
    private List<StorageRecord> release(MessageReference ref) {
        ref.state = MessageReference.State.GONE;
        boolean lastStored = ref.routed.release(ref.stored);
        if (!ref.stored) {
            return List.of();
        }
        if (lastStored) {
            return List.of(new StorageRecord.DeleteReference(id, ref.messageId()),
                    new StorageRecord.DeleteMessage(ref.messageId()));
        }
        return List.of(new StorageRecord.DeleteReference(id, ref.messageId()));
    }

    // ------------------------------------------------------------------ plumbing

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

    private BrokerException gone() {
        return BrokerException.notFound("queue '" + name + "' was deleted");
    }

    @Override
    public String toString() {
        return "queue '" + name + "' in vhost '" + vhost + "'";
    }
}
