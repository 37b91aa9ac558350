package io.ferrymq.core.queue;

import java.util.concurrent.CompletableFuture;

/** An adapter's handle on a consumer: credit is the only way messages flow to it. */
public interface Subscription {

    long id();

    String queueName();

    /** Allows {@code n} more deliveries (STOMP prefetch, MQTT receive maximum). */
    void credit(int n);

    /**
     * Allows deliveries until this subscription has made {@code totalDeliveries} in all (AMQP 1.0's
     * delivery-count plus link-credit): exact even while deliveries are on their way to the adapter.
     */
    void creditUpTo(long totalDeliveries);

    /**
     * Delivers what the credit allows and is available now, then gives up the rest of the credit (AMQP
     * drain). Completes, after those deliveries, with the credit given up.
     */
    CompletableFuture<Integer> drain();

    /** Deliveries made so far (AMQP's delivery-count). */
    long delivered();

    /** Stops deliveries; unsettled deliveries go back to the queue as failed attempts. */
    CompletableFuture<Void> close();
}
