package io.ferrymq.core.state;

import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Durable key-value state of one protocol module (MQTT sessions and retained messages, SQS queue
 * attributes), kept in memory for reads and written to the broker's storage as {@code PutState} /
 * {@code DeleteState} records, so it is journalled, replicated and recovered like everything else.
 *
 * <p>Writes to one key are ordered: the in-memory value and the stored record change together, so the
 * last write in memory is also the last record for that key.
 */
public final class StateStore {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final String namespace;
    private final Storage storage;
    private final Map<String, byte[]> values = new ConcurrentHashMap<>();

    public StateStore(String namespace, Storage storage, Map<String, byte[]> recovered) {
        this.namespace = namespace;
        this.storage = storage;
        this.values.putAll(recovered);
    }

    public String namespace() {
        return namespace;
    }

    public Optional<byte[]> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** A snapshot of every key and value. */
    public Map<String, byte[]> all() {
        return Map.copyOf(values);
    }

    /** Sets a value. @return completes when it is durable */
    public CompletableFuture<Void> put(String key, byte[] value) {
        CompletableFuture<?>[] stored = new CompletableFuture<?>[1];
        values.compute(key, (k, old) -> {
            stored[0] = storage.append(new StorageRecord.PutState(namespace, key, value));
            return value;
        });
        return stored[0].thenApply(v -> null);
    }

    /**
     * Sets a value in memory and returns the record that stores it, for the caller to store in one batch with
     * records it must not outlive or be outlived by (a message and the protocol state that says it arrived:
     * {@link io.ferrymq.core.api.Session#sendStoredWith}). The caller owns the writes to this key and
     * stores the record before the next one, so that the last record for the key stays the last value.
     */
    public Staged stage(String key, byte[] value) {
        values.put(key, value);
        return new Staged(new StorageRecord.PutState(namespace, key, value));
    }

    /** A value set in memory whose record is still to be stored, in one batch with a message. */
    public static final class Staged {
        private final StorageRecord record;

        private Staged(StorageRecord record) {
            this.record = record;
        }

        /** The record that stores the value: for the session, which stores it with the message. */
        public StorageRecord record() {
            return record;
        }
    }

    /** Removes a value. @return completes when the removal is durable */
    public CompletableFuture<Void> remove(String key) {
        CompletableFuture<?>[] stored = new CompletableFuture<?>[] {DONE};
        values.computeIfPresent(key, (k, old) -> {
            stored[0] = storage.append(new StorageRecord.DeleteState(namespace, key));
            return null;
        });
        return stored[0].thenApply(v -> null);
    }
}
