package io.ferrymq.core.journal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The entries the writer has written since it last handed some to the {@link Replicator}, framed exactly as
 * on disk and back to back: one group commit reaches the replicator as one buffer. Writer thread only.
 */
final class ShippingBatch {

    private static final int INITIAL = 64 * 1024;
    /** A buffer grown past this for a big batch is dropped after it, rather than held for good. */
    private static final int MAX_KEPT = 4 << 20;

    private byte[] bytes = new byte[INITIAL];
    private int length;
    private long first;
    private long last;

    /** Adds the entry framed at {@code [at, at + size)} of {@code from}, numbered {@code sequence}. */
    void add(long sequence, BatchBuffer from, int at, int size) {
        if (length == 0) {
            first = sequence;
        }
        last = sequence;
        if (length + size > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + size));
        }
        from.copyTo(at, size, bytes, length);
        length += size;
    }

    /** Takes back the entry added last, of {@code size} bytes (it could not be written). */
    void dropLast(int size) {
        length -= size;
        last--;
    }

    /** Hands what was added to {@code replicator} and starts over; null when nothing was. */
    CompletableFuture<Void> ship(Replicator replicator) {
        if (length == 0) {
            return null;
        }
        // Lent for the call only (no copy of the batch here): the replicator copies it into its own outgoing buffer.
        ByteBuffer out = ByteBuffer.wrap(bytes, 0, length);
        length = 0;
        try {
            return replicator.replicate(first, last, out);
        } finally {
            if (bytes.length > MAX_KEPT) {
                bytes = new byte[INITIAL];
            }
        }
    }
}
