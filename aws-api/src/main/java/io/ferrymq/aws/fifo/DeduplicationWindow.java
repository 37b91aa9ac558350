package io.ferrymq.aws.fifo;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * FIFO deduplication: within {@link FifoRules#DEDUPLICATION_WINDOW_MILLIS} of the first send of a key, a send
 * with the same key is accepted without sending again and answered like the first. A send that failed is
 * forgotten, so that the client's retry sends.
 */
public final class DeduplicationWindow {

    /** Past this many remembered keys, expired ones are dropped on the next send. */
    private static final int SWEEP_ABOVE = 10_000;

    private record Entry(CompletableFuture<ObjectNode> result, long expiresAt) { }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Consumer<String> forgotten;

    /** @param forgotten told each key dropped on expiry (to drop a stored copy too) */
    public DeduplicationWindow(Consumer<String> forgotten) {
        this.forgotten = forgotten;
    }

    public DeduplicationWindow() {
        this(key -> { });
    }

    /**
     * Sends once per key and window.
     *
     * @param send given when the key's window ends; its answer is what duplicates get
     * @return a copy of the first send's answer
     */
    public CompletableFuture<ObjectNode> once(String key, long nowMillis, LongFunction<CompletableFuture<ObjectNode>> send) {
        CompletableFuture<ObjectNode> mine = new CompletableFuture<>();
        Entry fresh = new Entry(mine, nowMillis + FifoRules.DEDUPLICATION_WINDOW_MILLIS);
        Entry prior = entries.compute(key, (k, old) -> old != null && old.expiresAt() > nowMillis
                && !old.result().isCompletedExceptionally() ? old : fresh);
        if (prior != fresh) {
            return prior.result().thenApply(ObjectNode::deepCopy);
        }
        if (entries.size() > SWEEP_ABOVE) {
            forgetExpired(nowMillis);
        }
        CompletableFuture<ObjectNode> sent;
        try {
            sent = send.apply(fresh.expiresAt());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((result, err) -> {
            if (err != null) {
                entries.remove(key, fresh);
                mine.completeExceptionally(err);
            } else {
                mine.complete(result);
            }
        });
        return mine.thenApply(ObjectNode::deepCopy);
    }

    /** Takes back an answer remembered before a restart, while its window lasts. */
    public void restore(String key, ObjectNode result, long expiresAt) {
        entries.put(key, new Entry(CompletableFuture.completedFuture(result), expiresAt));
    }

    private void forgetExpired(long nowMillis) {
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getValue().expiresAt() <= nowMillis && entries.remove(e.getKey(), e.getValue())) {
                forgotten.accept(e.getKey());
            }
        }
    }
}
