package io.ferrymq.core.api;

/**
 * Where a push consumer ({@link Session#consume}) takes its messages from. Pulls take from a queue by name
 * ({@link Session#pull}).
 */
public sealed interface Source {

    /** A queue the client names: needs the consume permission on its name. */
    record Queue(String name) implements Source { }

    /**
     * A queue the adapter keeps for its client under a name of its own (an MQTT session queue, an AMQP
     * dynamic queue): no permission check on the name, since the client never chose it; what the client
     * binds to it was checked when it was bound ({@link Admin#bindManagedQueue}).
     */
    record ManagedQueue(String name) implements Source { }

    /** A topic: the subscription's queue and binding are set up first, then the consumer attaches. */
    record Topic(TopicSubscription subscription) implements Source { }

    static Source queue(String name) {
        return new Queue(name);
    }

    static Source managedQueue(String name) {
        return new ManagedQueue(name);
    }

    static Source topic(TopicSubscription subscription) {
        return new Topic(subscription);
    }
}
