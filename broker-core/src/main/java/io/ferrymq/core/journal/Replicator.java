package io.ferrymq.core.journal;

import java.util.concurrent.CompletableFuture;

/**
 * Receives every journal entry as it is written, in sequence order: the seam through which an HA pair
 * ships the journal to its standby. A batch is confirmed to its producers only when its local write is
 * on disk and the future returned here has completed.
 */
@FunctionalInterface
public interface Replicator {

    /** @param entry the complete entry bytes (header, CRC and records), exactly as on disk */
    CompletableFuture<Void> replicate(long sequence, byte[] entry);
}
