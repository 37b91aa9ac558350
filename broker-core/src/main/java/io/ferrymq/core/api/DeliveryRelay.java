package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.queue.Delivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Carries what the queues hand a session (deliveries, news of new subscriptions) from the queues' threads
 * onto the adapter's executor, in the order it was handed over, with one {@link DeliverySink#flush()} per
 * batch; and completes the session's futures there, so adapters touch their state without locks.
 */
final class DeliveryRelay {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRelay.class);

    private final DeliverySink sink;
    private final ConcurrentLinkedQueue<Object> outbound = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    DeliveryRelay(DeliverySink sink) {
        this.sink = sink;
    }

    /** A delivery for the adapter, behind everything handed over before it. */
    void deliver(Delivery delivery) {
        enqueue(delivery);
    }

    /** Runs {@code task} on the adapter's executor behind the deliveries handed over before it. */
    void inOrder(Runnable task) {
        enqueue(task);
    }

    /** Runs {@code task} on the adapter's executor, not ordered with deliveries. */
    void execute(Runnable task) {
        sink.executor().execute(task);
    }

    /** {@code f}, completing on the adapter's executor (at once when it is already done). */
    <T> CompletableFuture<T> relay(CompletableFuture<T> f) {
        if (f.isDone()) {
            return f;
        }
        return relayAlways(f);
    }

    /** {@code f}, completing on the adapter's executor even when it is done already. */
    <T> CompletableFuture<T> relayAlways(CompletableFuture<T> f) {
        CompletableFuture<T> relayed = new CompletableFuture<>();
        f.whenComplete((v, t) -> sink.executor().execute(() -> {
            if (t != null) {
                relayed.completeExceptionally(BrokerException.from(t));
            } else {
                relayed.complete(v);
            }
        }));
        return relayed;
    }

    private void enqueue(Object item) {
        outbound.add(item);
        if (drainScheduled.compareAndSet(false, true)) {
            sink.executor().execute(drain);
        }
    }

    private void drain() {
        while (true) {
            Object item;
            while ((item = outbound.poll()) != null) {
                try {
                    if (item instanceof Delivery d) {
                        sink.deliver(d);
                    } else {
                        ((Runnable) item).run();
                    }
                } catch (RuntimeException e) {
                    LOG.error("Adapter failed to take {}", item instanceof Delivery d
                            ? "a delivery from queue '" + d.queueName() + "'" : "a new subscription", e);
                }
            }
            drainScheduled.set(false);
            if (outbound.isEmpty() || !drainScheduled.compareAndSet(false, true)) {
                break;
            }
        }
        sink.flush();
    }
}
