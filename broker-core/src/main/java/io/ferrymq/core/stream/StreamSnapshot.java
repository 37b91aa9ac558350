package io.ferrymq.core.stream;

import io.ferrymq.core.atrest.AtRestKey;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a stream store held at one point: every stream's definition and, per shard, its segment files with the
 * length that was durable then. Segment files are only ever appended to, so their first {@code length} bytes
 * stay what they were while a standby copies them; retention may delete a whole file meanwhile (the copy then
 * fails and is started again). {@code key} is the store's at-rest key (null for none), with which
 * {@link #reader} opens sealed segments: a copy travels in plain records, never in this node's sealed bytes.
 */
public record StreamSnapshot(List<StreamInfo> streams, List<SegmentFile> segments, AtRestKey key) {

    public StreamSnapshot {
        streams = List.copyOf(streams);
        segments = List.copyOf(segments);
    }

    public StreamSnapshot(List<StreamInfo> streams, List<SegmentFile> segments) {
        this(streams, segments, null);
    }

    /** Reads a segment file of this snapshot in plain records. */
    public SegmentFileReader reader(SegmentFile file) throws IOException {
        return SegmentFileReader.open(file, key);
    }

    /** One segment file of a shard: its records start at {@code baseOffset}; {@code length} bytes are durable. */
    public record SegmentFile(String vhost, String stream, int shard, long baseOffset, Path file, long length) {
    }
}
