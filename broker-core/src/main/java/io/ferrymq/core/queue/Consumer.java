package io.ferrymq.core.queue;

import io.ferrymq.core.filter.MessageFilter;

import java.util.concurrent.CompletableFuture;

/**
 * A push consumer on a queue. Its mutable state belongs to the queue's executor; the adapter only
 * touches it through the {@link Subscription} methods, which hop onto that executor.
 */
final class Consumer implements Subscription, Receiver {

    final long id;
    final Queue queue;
    final ConsumeOptions options;
    final MessageFilter filter;
    final DeliveryPath path;
    int credit;
    int inFlight;
    /** Deliveries made: written on the queue's executor, read by adapters. */
    volatile long delivered;
    boolean closed;
    /** For browsers: the arrival sequence of the last message shown. */
    long browseCursor = -1;

    Consumer(long id, Queue queue, ConsumeOptions options, MessageFilter filter, DeliveryPath path) {
        this.id = id;
        this.queue = queue;
        this.options = options;
        this.filter = filter;
        this.path = path;
        this.credit = options.initialCredit();
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String queueName() {
        return queue.name();
    }

    @Override
    public void credit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("credit must not be negative");
        }
        queue.addCredit(this, n);
    }

    @Override
    public void creditUpTo(long totalDeliveries) {
        queue.creditUpTo(this, totalDeliveries);
    }

    @Override
    public CompletableFuture<Integer> drain() {
        return queue.drain(this);
    }

    @Override
    public long delivered() {
        return delivered;
    }

    @Override
    public CompletableFuture<Void> close() {
        return queue.removeConsumer(this);
    }

    @Override
    public boolean hasCredit() {
        return credit > 0 && !closed;
    }

    @Override
    public boolean accepts(MessageReference ref) {
        if (ref.refusedBy == this) {
            return false;
        }
        if (options.noLocal() && ref.message().originConnection() == path.connectionId()
                && path.connectionId() != 0) {
            return false;
        }
        return filter == null || filter.test(ref.message());
    }

    @Override
    public String toString() {
        return "consumer " + id + " on queue '" + queue.name() + "'";
    }
}
