package io.ferrymq.core.storage;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where durable state goes. The core calls {@link #append} for every durable change and treats the
 * returned future as "safe": it confirms producers only when it completes. Implementations: the
 * in-memory store (tests, non-persistent brokers) and the journal; an HA pair wraps the journal so a
 * future completes once the standby also has the records.
 */
public interface Storage extends AutoCloseable {

    /**
     * Replays what the storage holds into {@code listener}; called once, before {@link #append}.
     *
     * @return the highest ids ever used, so the broker never reuses one
     */
    RecoveredIds recover(RecoveryListener listener);

    /**
     * Appends records as one atomic unit, in call order relative to other appends: after a crash either
     * all of a batch is recovered or none of it. Never blocks the caller.
     *
     * @return completes when the batch is durable (on disk, and on the standby in an HA pair)
     */
    CompletableFuture<Void> append(List<StorageRecord> batch);

    default CompletableFuture<Void> append(StorageRecord record) {
        return append(List.of(record));
    }

    /**
     * Why new durable data is refused right now (the disk is full or below its free-space limit), or null
     * when it is accepted. Appends are still taken meanwhile (settlements must not be lost): they wait until
     * space is back. Callers refuse producers while this is set.
     */
    default io.ferrymq.core.errors.BrokerException writeAlarm() {
        return null;
    }

    /** Whether appended records survive a restart of the process. */
    boolean persistent();

    /** Reports each group commit to {@code listener} from now on (a persistent storage does; others ignore it). */
    default void syncTimings(SyncTimings listener) {
    }

    @Override
    void close();

    /**
     * The highest ids recovery found, so the broker never reuses one.
     *
     * @param maxMessageId highest message id ever stored (0 when empty)
     * @param maxQueueId   highest queue id ever stored
     */
    record RecoveredIds(long maxMessageId, long maxQueueId) {
        public static final RecoveredIds NONE = new RecoveredIds(0, 0);
    }
}
