package io.ferrymq.core.journal;

import java.nio.ByteBuffer;
import java.util.Arrays;
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

    /**
     * Every entry of one group commit at once, before its fsync, in a buffer that is only valid during the call:
     * the journal reuses it for the next batch. The journal calls this rather than the other methods; a
     * replicator that writes the entries straight into its own outgoing buffer overrides it (one copy of a batch
     * on the way out). This default copies them into an array for {@link #replicate(long, long, byte[])}.
     *
     * @param entries the complete entries back to back, exactly as on disk, from its position to its limit
     */
    default CompletableFuture<Void> replicate(long first, long last, ByteBuffer entries) {
        byte[] copy = new byte[entries.remaining()];
        entries.get(copy);
        return replicate(first, last, copy);
    }

    /**
     * Every entry of one group commit at once, as an array the replicator may keep (see
     * {@link #replicate(long, long, ByteBuffer)}); this default hands the entries over one at a time. A replicator that
     * ships whole batches overrides it, so that a batch costs one message and one future however many entries
     * it holds.
     *
     * @param first   the sequence number of the first entry
     * @param last    the sequence number of the last entry (entries are numbered consecutively)
     * @param entries the complete entries back to back, exactly as on disk; the replicator may keep the array
     */
    default CompletableFuture<Void> replicate(long first, long last, byte[] entries) {
        CompletableFuture<?>[] each = new CompletableFuture<?>[(int) (last - first + 1)];
        int at = 0;
        for (int i = 0; i < each.length; i++) {
            int size = Entry.getInt(entries, at) + 4;
            each[i] = replicate(first + i, Arrays.copyOfRange(entries, at, at + size));
            at += size;
        }
        return each.length == 1 ? each[0].thenApply(v -> null) : CompletableFuture.allOf(each);
    }
}
