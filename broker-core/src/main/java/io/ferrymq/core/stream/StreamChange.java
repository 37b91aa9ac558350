package io.ferrymq.core.stream;

import java.util.List;

/** A change of the broker's streams, as a {@link StreamReplicator} receives it. */
public sealed interface StreamChange {

    /** A stream was created or its definition changed (retention, tags, mode, shards): this is the new one. */
    record Defined(StreamInfo info) implements StreamChange { }

    /** A stream was deleted with all its records. */
    record Deleted(String vhost, String name) implements StreamChange { }

    /** Records were appended to one shard, with the offsets and arrival times the store gave them. */
    record Appended(String vhost, String name, int shard, List<StreamRecord> records) implements StreamChange {
        public Appended {
            records = List.copyOf(records);
        }
    }
}
