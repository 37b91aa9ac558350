package io.ferrymq.core.storage;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Storage that keeps the durable image in memory: nothing survives the process, but a broker restarted
 * over the same instance recovers exactly as it would from a journal, which makes the recovery path
 * testable without disks.
 */
public final class InMemoryStorage implements Storage {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final DurableImage image = new DurableImage();
    private long appendedBatches;

    @Override
    public synchronized RecoveredIds recover(RecoveryListener listener) {
        return image.replay(listener, true);
    }

    @Override
    public synchronized CompletableFuture<Void> append(List<StorageRecord> batch) {
        for (StorageRecord r : batch) {
            image.apply(r);
        }
        appendedBatches++;
        return DONE;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    /** A read of the current image, for tests. */
    public synchronized <T> T inspect(java.util.function.Function<DurableImage, T> reader) {
        return reader.apply(image);
    }

    public synchronized long appendedBatches() {
        return appendedBatches;
    }

    @Override
    public void close() {
        // Nothing to release: the image lives as long as this object.
    }
}
