package io.ferrymq.core.queue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The broker's listeners of {@link MessageEvent}s, told on the queue's executor: a listener only hands the event
 * on (to its own executor), it never blocks.
 */
public final class MessageEvents {

    private static final Logger LOG = LoggerFactory.getLogger(MessageEvents.class);

    private final List<Consumer<MessageEvent>> listeners = new CopyOnWriteArrayList<>();

    /** @return what stops telling {@code listener} */
    public Runnable add(Consumer<MessageEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public boolean isEmpty() {
        return listeners.isEmpty();
    }

    public void fire(MessageEvent event) {
        for (Consumer<MessageEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                // A listener's bug must not stop the queue that told it.
                LOG.warn("A message event listener failed on {} of a message in queue '{}'", event.kind(), event.queue(), e);
            }
        }
    }
}
