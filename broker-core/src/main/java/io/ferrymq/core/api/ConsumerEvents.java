package io.ferrymq.core.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The broker's listeners of {@link ConsumerEvent}s: told on the queue's or the session's thread, they never block. */
final class ConsumerEvents {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerEvents.class);

    private final List<Consumer<ConsumerEvent>> listeners = new CopyOnWriteArrayList<>();

    Runnable add(Consumer<ConsumerEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    void fire(ConsumerEvent event) {
        for (Consumer<ConsumerEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                // A listener's bug must not stop the consumer it was told of.
                LOG.warn("A consumer event listener failed on {} of a consumer of queue '{}'", event.kind(),
                        event.queue(), e);
            }
        }
    }
}
