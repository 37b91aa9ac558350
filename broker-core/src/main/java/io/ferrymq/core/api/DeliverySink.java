package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Subscription;

import java.util.concurrent.Executor;

/**
 * The adapter's side of a session. Everything the broker tells the adapter (deliveries, subscription
 * closures, completions of the session's futures) arrives on {@link #executor()}, the connection's
 * event loop, so the adapter needs no locks.
 */
public interface DeliverySink {

    Executor executor();

    void deliver(Delivery delivery);

    /** End of a batch of deliveries: a good moment to flush the socket. */
    default void flush() {
    }

    /** The broker closed a subscription (its queue was deleted, the broker is stopping). */
    default void subscriptionClosed(Subscription subscription, BrokerException reason) {
    }
}
