package io.ferrymq.core.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** The real disk, except that a test decides how much is free and when new segments fail with ENOSPC. */
final class FillableDisk implements Disk {

    private volatile boolean full;
    private volatile long free = 1L << 40;
    final AtomicInteger refusedSegments = new AtomicInteger();
    final AtomicInteger createdSegments = new AtomicInteger();

    /**
     * From now on new segments fail as on a full disk, although free space is still reported (as file systems
     * with reserved blocks, quotas or thin provisioning do), so that the journal meets the failure itself.
     */
    void fill() {
        full = true;
    }

    void freeSpace() {
        full = false;
    }

    void reportFree(long bytes) {
        free = bytes;
    }

    @Override
    public Segment createSegment(Path dir, long id, long size) throws IOException {
        if (full) {
            refusedSegments.incrementAndGet();
            throw new IOException("No space left on device");
        }
        createdSegments.incrementAndGet();
        return Segment.create(dir, id, size);
    }

    @Override
    public long usableSpace(Path dir) {
        return free;
    }
}
