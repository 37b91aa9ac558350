package io.ferrymq.core.queue;

import java.util.concurrent.CompletableFuture;

/** An adapter's handle on a consumer: credit is the only way messages flow to it. */
public interface Subscription {

    long id();

    String queueName();

    /** Allows {@code n} more deliveries (AMQP link credit, STOMP prefetch, MQTT receive maximum). */
    void credit(int n);

    /** Stops deliveries; unsettled deliveries go back to the queue as failed attempts. */
    CompletableFuture<Void> close();
}
