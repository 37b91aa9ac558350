package io.ferrymq.core.stream;

import java.nio.file.Path;
import java.util.List;

/**
 * What a stream store held at one point: every stream's definition and, per shard, its segment files with the
 * length that was durable then. Segment files are only ever appended to, so their first {@code length} bytes
 * stay what they were while a standby copies them; retention may delete a whole file meanwhile (the copy then
 * fails and is started again).
 */
public record StreamSnapshot(List<StreamInfo> streams, List<SegmentFile> segments) {

    public StreamSnapshot {
        streams = List.copyOf(streams);
        segments = List.copyOf(segments);
    }

    /** One segment file of a shard: its records start at {@code baseOffset}; {@code length} bytes are durable. */
    public record SegmentFile(String vhost, String stream, int shard, long baseOffset, Path file, long length) {
    }
}
