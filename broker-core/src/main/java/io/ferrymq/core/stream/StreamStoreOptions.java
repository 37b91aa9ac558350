package io.ferrymq.core.stream;

import java.nio.file.Path;

/**
 * Where and how shard logs are kept.
 *
 * @param dir          the directory of the stream logs (under the data dir); null for a temporary directory
 *                     removed when the broker stops (a broker without durable storage)
 * @param segmentBytes a segment file is rolled when it reaches this size; retention deletes whole segments
 * @param fsync        whether appends wait for the disk (group commit); off only for tests and benchmarks
 * @param replicator   receives every change (an HA pair's active); null for none
 * @param encryption   the key new segments are encrypted with (storage.encryption); null for plain segments
 */
public record StreamStoreOptions(Path dir, long segmentBytes, boolean fsync, StreamReplicator replicator,
                                 io.ferrymq.core.atrest.AtRestKey encryption) {

    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;

    public StreamStoreOptions(Path dir, long segmentBytes, boolean fsync) {
        this(dir, segmentBytes, fsync, null, null);
    }

    public StreamStoreOptions(Path dir, long segmentBytes, boolean fsync, StreamReplicator replicator) {
        this(dir, segmentBytes, fsync, replicator, null);
    }

    public StreamStoreOptions {
        if (segmentBytes < 4096) {
            throw new IllegalArgumentException("stream segment size must be at least 4 KiB");
        }
    }

    /** Logs in {@code dir}, 64 MiB segments, fsync on. */
    public static StreamStoreOptions in(Path dir) {
        return new StreamStoreOptions(dir, DEFAULT_SEGMENT_BYTES, true);
    }

    /** A temporary directory (not durable across restarts), 64 MiB segments, no fsync. */
    public static StreamStoreOptions temporary() {
        return new StreamStoreOptions(null, DEFAULT_SEGMENT_BYTES, false);
    }

    public StreamStoreOptions withSegmentBytes(long bytes) {
        return new StreamStoreOptions(dir, bytes, fsync, replicator, encryption);
    }

    public StreamStoreOptions withReplicator(StreamReplicator r) {
        return new StreamStoreOptions(dir, segmentBytes, fsync, r, encryption);
    }

    public StreamStoreOptions withEncryption(io.ferrymq.core.atrest.AtRestKey key) {
        return new StreamStoreOptions(dir, segmentBytes, fsync, replicator, key);
    }
}
