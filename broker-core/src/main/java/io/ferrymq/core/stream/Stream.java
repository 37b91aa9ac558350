package io.ferrymq.core.stream;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A stream at run time: its definition (replaced whole on each change) and the logs of its shards. */
final class Stream {

    final Path dir;
    final Map<Integer, SegmentLog> logs = new ConcurrentHashMap<>();
    volatile StreamInfo info;
    /** Set on the writer thread when the stream is deleted: later writes find it gone. */
    volatile boolean deleted;

    Stream(Path dir, StreamInfo info) {
        this.dir = dir;
        this.info = info;
    }

    static Path shardDir(Path streamDir, int index) {
        return streamDir.resolve("shard-" + index);
    }
}
