package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.core.storage.StorageRecord;
import io.ferrymq.core.vhost.PreparedPublish;
import io.ferrymq.core.vhost.VirtualHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A session's open transactions: what each holds until commit (sends, and settlements whose deliveries the
 * queues keep claimed), and commit as one atomic batch in the journal, or rollback.
 */
final class Transactions {

    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    /** Routes and admits a send at commit; throws what {@code Session.send} would fail with. */
    @FunctionalInterface
    interface Preparer {
        PreparedPublish prepare(Route route, Message message);
    }

    private final VirtualHost vhost;
    private final long connectionId;
    private final Preparer preparer;
    private final Set<Tx> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();

    Transactions(VirtualHost vhost, long connectionId, Preparer preparer) {
        this.vhost = vhost;
        this.connectionId = connectionId;
        this.preparer = preparer;
    }

    Tx begin() {
        Tx tx = new Tx(ids.incrementAndGet());
        open.add(tx);
        return tx;
    }

    void addSend(Tx tx, Route route, Message message) {
        own(tx).sends.add(new Tx.PendingSend(route, message));
    }

    /** Claims the delivery for the transaction; the future completes once the queue holds it for commit. */
    CompletableFuture<Void> addSettlement(Tx tx, Delivery delivery, Outcome outcome) {
        own(tx);
        CompletableFuture<Void> held = delivery.queue().holdForTransaction(delivery.deliveryId(), connectionId);
        tx.settles.add(new Tx.PendingSettle(delivery, outcome, held));
        return held;
    }

    CompletableFuture<Void> commit(Tx tx) {
        end(tx);
        // Settlements whose claim failed were refused when made (the adapter reported it): they are not
        // part of the transaction.
        CompletableFuture<?>[] claims = tx.settles.stream().map(Tx.PendingSettle::held).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(claims).handle((v, t) -> null).thenCompose(v -> store(tx));
    }

    void rollback(Tx tx) {
        end(tx);
        requeue(tx.settles);
    }

    /** Rolls back every open transaction (the session is closing). */
    void rollbackAll() {
        for (Tx tx : List.copyOf(open)) {
            rollback(tx);
        }
    }

    private CompletableFuture<Void> store(Tx tx) {
        List<Tx.PendingSettle> settles = tx.settles.stream().filter(s -> !s.held().isCompletedExceptionally()).toList();
        List<PreparedPublish> prepared = new ArrayList<>(tx.sends.size());
        try {
            for (Tx.PendingSend s : tx.sends) {
                prepared.add(preparer.prepare(s.route(), s.message()));
            }
        } catch (BrokerException e) {
            vhost.abort(prepared);
            requeue(settles);
            return CompletableFuture.failedFuture(e);
        }
        List<StorageRecord> acks = new ArrayList<>();
        for (Tx.PendingSettle s : settles) {
            Queue q = s.delivery().queue();
            if (s.outcome() instanceof Outcome.Accept && s.delivery().message().durable() && q.durable()
                    && !q.exclusive()) {
                acks.add(new StorageRecord.DeleteReference(q.id(), s.delivery().message().id()));
            }
        }
        return vhost.commit(prepared, acks, true).thenRun(() -> {
            for (Tx.PendingSettle s : settles) {
                Delivery d = s.delivery();
                d.queue().settleCommitted(d.deliveryId(), s.outcome(), connectionId).exceptionally(t -> {
                    LOG.warn("Settlement of delivery {} on queue '{}' in {} was stored but could not be applied: {}",
                            d.deliveryId(), d.queueName(), tx, t.getMessage());
                    return null;
                });
            }
        });
    }

    private void requeue(List<Tx.PendingSettle> settles) {
        for (Tx.PendingSettle s : settles) {
            Delivery d = s.delivery();
            // After the claim, so a rollback never overtakes the hold it undoes.
            s.held().thenCompose(v -> d.queue().settle(d.deliveryId(), Outcome.REQUEUE, connectionId))
                    .exceptionally(t -> null);
        }
    }

    private void end(Tx tx) {
        own(tx);
        tx.state = Tx.State.ENDED;
        open.remove(tx);
    }

    private Tx own(Tx tx) {
        if (!open.contains(tx) || !tx.isOpen()) {
            throw BrokerException.illegalState(tx + " is not open on this connection");
        }
        return tx;
    }
}
