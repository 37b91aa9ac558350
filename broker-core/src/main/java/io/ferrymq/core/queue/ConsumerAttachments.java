package io.ferrymq.core.queue;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.exec.SerialExecutor;
import io.ferrymq.core.filter.MessageFilter;

/**
 * Push consumers and browsers coming and going: exclusivity checks on attach, their credit, and on detach
 * their unsettled deliveries going back to the queue (and an auto-delete queue going once its last
 * consumer has). Runs on the queue's executor.
 */
final class ConsumerAttachments {

    private final Queue queue;
    private final QueueHost host;
    private final QueueState state;
    private final Settlement settlement;
    private final SerialExecutor executor;
    private final Runnable dispatch;
    private final QueueExpiry expiry;
    private long nextConsumerId;
    private boolean hadConsumer;

    ConsumerAttachments(Queue queue, QueueHost host, QueueState state, Settlement settlement, SerialExecutor executor,
                        Runnable dispatch, QueueExpiry expiry) {
        this.queue = queue;
        this.host = host;
        this.state = state;
        this.settlement = settlement;
        this.executor = executor;
        this.dispatch = dispatch;
        this.expiry = expiry;
    }

    /** See {@link Queue#addConsumer}; {@code filter} is already compiled. */
    Subscription attach(ConsumeOptions options, MessageFilter filter, DeliveryPath path,
                        java.util.function.Consumer<Subscription> attached) {
        if (state.deleted) {
            throw queue.gone();
        }
        long exclusiveOwner = queue.exclusiveOwner();
        if (exclusiveOwner != 0 && exclusiveOwner != path.connectionId()) {
            throw BrokerException.locked("queue '" + queue.name() + "' is exclusive to another connection");
        }
        ConsumerLevels consumers = state.consumers;
        if (!options.browse()) {
            if (consumers.anyExclusive()) {
                throw BrokerException.locked("queue '" + queue.name() + "' has an exclusive consumer");
            }
            if (options.exclusive() && !consumers.isEmpty()) {
                throw BrokerException.locked("cannot consume exclusively from queue '" + queue.name() + "': it has "
                        + consumers.size() + " consumer(s)");
            }
        }
        Consumer c = new Consumer(++nextConsumerId, queue, options, filter, path);
        if (options.browse()) {
            state.browsers.add(c);
        } else {
            consumers.add(c);
            hadConsumer = true;
        }
        state.counters.consumers = consumers.size() + state.browsers.size();
        attached.accept(c);
        executor.execute(dispatch);
        return c;
    }

    void addCredit(Consumer c, int n) {
        if (c.closed) {
            return;
        }
        c.credit = (int) Math.min(Integer.MAX_VALUE, (long) c.credit + n);
        dispatch.run();
    }

    void creditUpTo(Consumer c, long totalDeliveries) {
        if (c.closed) {
            return;
        }
        c.credit = (int) Math.max(0, Math.min(Integer.MAX_VALUE, totalDeliveries - c.delivered));
        dispatch.run();
    }

    /** Hands out what the credit allows now, then gives up the rest. @return the credit given up */
    int drain(Consumer c) {
        dispatch.run();
        int unused = c.closed ? 0 : c.credit;
        c.credit = 0;
        return unused;
    }

    void detach(Consumer c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        if (!state.consumers.remove(c)) {
            state.browsers.remove(c);
        }
        state.counters.consumers = state.consumers.size() + state.browsers.size();
        c.path.detached(c);
        for (MessageReference r : state.inFlight.inOrder(ref -> ref.owner == c)) {
            if (r.heldByTx != 0) {
                // Its transaction decides: it stays in flight without a consumer until commit or rollback.
                c.inFlight--;
                r.owner = null;
                continue;
            }
            state.inFlight.leave(r);
            // A consumer that goes away mid-delivery may have crashed on the message: count the attempt.
            settlement.returnToQueue(r, true);
        }
        state.groups.release(c);
        if (state.consumers.isEmpty() && state.browsers.isEmpty()) {
            expiry.used();
        }
        if (queue.autoDelete() && hadConsumer && state.consumers.isEmpty() && state.browsers.isEmpty()
                && !state.deleted) {
            host.autoDelete(queue);
        }
        dispatch.run();
    }
}
