package io.ferrymq.bench.driver;

import java.util.concurrent.CompletableFuture;

/**
 * One protocol's client library, set up for one broker endpoint. A driver owns the library's shared
 * resources (event loops, timers); each link it opens is its own connection.
 */
public interface Driver extends AutoCloseable {

    /** Connects a producer; returns once the broker accepted the connection. */
    ProducerLink openProducer(ProducerSpec spec) throws Exception;

    /** Connects a consumer and subscribes; returns once the broker confirmed the subscription. */
    ConsumerLink openConsumer(ConsumerSpec spec, MessageListener listener) throws Exception;

    /** Starts connecting a client that stays idle; completes when the broker accepted it. */
    CompletableFuture<IdleLink> connectIdle();

    /** Closes every resource of the library; links still open are dropped. */
    @Override
    void close();
}
