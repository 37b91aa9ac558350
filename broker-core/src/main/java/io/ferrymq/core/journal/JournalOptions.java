package io.ferrymq.core.journal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the journal writes.
 *
 * @param directory        where segment files live
 * @param segmentSize      size each segment file is created with (entries larger than this get a segment of their own)
 * @param fsync            whether a batch is confirmed only after fsync; off loses confirmed messages on a
 *                         power failure or kernel crash and exists for tests and benchmarks
 * @param commitDelayNanos how long the writer may wait for more batches before an fsync (0: group commit
 *                         takes whatever arrived while the previous fsync ran)
 * @param compactThreshold the oldest segment is compacted once its live records fill less than this
 *                         fraction of it
 * @param skipCorrupt      skip damaged entries on recovery instead of refusing to start
 * @param replicator       receives every entry as written; null for none
 * @param minFree          bytes the journal's file system must keep free: below it durable messages are refused
 *                         (before the disk is full, so that settlements and compaction still have room); 0 for no
 *                         limit
 * @param encryption       the key new segments are encrypted with (storage.encryption); null for plain segments
 */
public record JournalOptions(Path directory, long segmentSize, boolean fsync, long commitDelayNanos,
                             double compactThreshold, boolean skipCorrupt, Replicator replicator, long minFree,
                             io.ferrymq.core.atrest.AtRestKey encryption) {

    public static final long DEFAULT_SEGMENT_SIZE = 64L * 1024 * 1024;

    public JournalOptions {
        Objects.requireNonNull(directory, "directory");
        if (segmentSize < 4096) {
            throw new IllegalArgumentException("journal segment size must be at least 4 KiB");
        }
        if (commitDelayNanos < 0) {
            throw new IllegalArgumentException("commit delay must not be negative");
        }
        if (minFree < 0) {
            throw new IllegalArgumentException("the free-disk limit must not be negative");
        }
        if (compactThreshold < 0 || compactThreshold > 1) {
            throw new IllegalArgumentException("compact threshold must be between 0 and 1");
        }
    }

    public JournalOptions(Path directory, long segmentSize, boolean fsync, long commitDelayNanos,
                          double compactThreshold, boolean skipCorrupt, Replicator replicator, long minFree) {
        this(directory, segmentSize, fsync, commitDelayNanos, compactThreshold, skipCorrupt, replicator, minFree, null);
    }

    public static JournalOptions defaults(Path directory) {
        return new JournalOptions(directory, DEFAULT_SEGMENT_SIZE, true, 0, 0.3, false, null, 0);
    }

    public JournalOptions withSegmentSize(long v) {
        return new JournalOptions(directory, v, fsync, commitDelayNanos, compactThreshold,
                skipCorrupt, replicator, minFree, encryption);
    }

    public JournalOptions withFsync(boolean v) {
        return new JournalOptions(directory, segmentSize, v, commitDelayNanos, compactThreshold,
                skipCorrupt, replicator, minFree, encryption);
    }

    public JournalOptions withSkipCorrupt(boolean v) {
        return new JournalOptions(directory, segmentSize, fsync, commitDelayNanos, compactThreshold,
                v, replicator, minFree, encryption);
    }

    public JournalOptions withCompactThreshold(double v) {
        return new JournalOptions(directory, segmentSize, fsync, commitDelayNanos, v, skipCorrupt, replicator, minFree,
                encryption);
    }

    public JournalOptions withCommitDelayNanos(long v) {
        return new JournalOptions(directory, segmentSize, fsync, v, compactThreshold, skipCorrupt, replicator, minFree,
                encryption);
    }

    public JournalOptions withReplicator(Replicator r) {
        return new JournalOptions(directory, segmentSize, fsync, commitDelayNanos, compactThreshold,
                skipCorrupt, r, minFree, encryption);
    }

    public JournalOptions withMinFree(long v) {
        return new JournalOptions(directory, segmentSize, fsync, commitDelayNanos, compactThreshold, skipCorrupt,
                replicator, v, encryption);
    }

    public JournalOptions withEncryption(io.ferrymq.core.atrest.AtRestKey key) {
        return new JournalOptions(directory, segmentSize, fsync, commitDelayNanos, compactThreshold, skipCorrupt,
                replicator, minFree, key);
    }
}
