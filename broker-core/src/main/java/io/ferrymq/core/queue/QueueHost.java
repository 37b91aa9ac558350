package io.ferrymq.core.queue;

import io.ferrymq.core.exec.BrokerRuntime;
import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.filter.MessageFilter;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;

import java.util.List;

/** What a queue needs from the virtual host that owns it. */
public interface QueueHost {

    BrokerRuntime runtime();

    Storage storage();

    /** The broker's memory budget, which a queue pages against. */
    io.ferrymq.core.memory.MemoryBudget memory();

    /** Where the queue pages to; null when the broker cannot page (in-memory storage). */
    io.ferrymq.core.paging.PageStore pageStore(long queueId);

    /** A fresh broker message id (messages read back from page files get one). */
    long nextMessageId();

    MessageFilter compileFilter(FilterSpec spec);

    /**
     * Routes a dead-lettered or expired copy of a message to {@code target}, storing it atomically with
     * {@code sourceRecords} (the removal from the source queue). Called on the source queue's executor.
     *
     * @return false if the target routes nowhere (then only the source records are stored)
     */
    boolean republish(Queue source, Message copy, DeadLetterTarget target, List<StorageRecord> sourceRecords);

    /** The queue lost its last consumer and is auto-delete. */
    void autoDelete(Queue queue);

    /** The queue's {@code x-expires} lease ran out unused: it goes, durable or not. */
    default void expired(Queue queue) {
        autoDelete(queue);
    }

    /**
     * A message left {@code queue} expired or dead-lettered (see {@link MessageEvent}); called on the queue's
     * executor, after the move.
     */
    default void messageLeft(Queue queue, MessageEvent.Kind kind, Message message, String reason) {
    }

    /** A queue-level BLOCK limit freed space or memory changed: producers waiting may resume. */
    default void limitsChanged(Queue queue) {
    }
}
