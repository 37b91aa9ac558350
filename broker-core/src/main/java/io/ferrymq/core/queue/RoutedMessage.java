package io.ferrymq.core.queue;

import io.ferrymq.core.memory.MemoryBudget;
import io.ferrymq.core.message.Message;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A message shared by the queues it was routed to. It counts their references so the memory it holds
 * is released, and its stored record deleted, when the last queue lets go.
 */
public final class RoutedMessage {

    private final Message message;
    private final long size;
    private final MemoryBudget memory;
    private final AtomicInteger refs = new AtomicInteger();
    private final AtomicInteger storedRefs = new AtomicInteger();

    public RoutedMessage(Message message, MemoryBudget memory) {
        this.message = message;
        this.size = message.estimatedSize();
        this.memory = memory;
    }

    public Message message() { return message; }
    public long size() { return size; }

    /** Called once per queue reference, before it is enqueued. */
    public void retain(boolean stored) {
        if (refs.getAndIncrement() == 0) {
            memory.acquire(size);
        }
        if (stored) {
            storedRefs.incrementAndGet();
        }
    }

    /**
     * Called when a queue reference goes away.
     *
     * @return true when that was the last stored reference, so the caller deletes the stored message
     */
    boolean release(boolean stored) {
        if (refs.decrementAndGet() == 0) {
            memory.release(size);
        }
        return stored && storedRefs.decrementAndGet() == 0;
    }
}
