package io.ferrymq.core.queue;

/**
 * How a queue hands deliveries to a consumer's connection: implemented by the session, which moves
 * them onto the connection's event loop.
 */
public interface DeliveryPath {

    /** Called on the queue's executor; must not block. */
    void handoff(Delivery delivery);

    /** The consumer was closed by the broker (queue deleted, broker stopping). */
    void closedByBroker(Subscription subscription, io.ferrymq.core.errors.BrokerException reason);

    /** The consumer stopped, whoever closed it: the path may forget it. */
    default void detached(Subscription subscription) {
    }

    /** The connection this path leads to (for no-local and exclusivity). */
    long connectionId();
}
