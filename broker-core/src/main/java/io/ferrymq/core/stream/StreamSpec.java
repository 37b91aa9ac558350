package io.ferrymq.core.stream;

import java.util.Map;
import java.util.Objects;

/**
 * What a new stream is to be.
 *
 * @param retentionMillis records older than this are no longer read and their segments are deleted
 * @param retentionBytes  per shard, the oldest segments are deleted past this size; 0 for no size limit
 */
public record StreamSpec(String name, int shardCount, StreamMode mode, long retentionMillis, long retentionBytes,
                         Map<String, String> tags) {

    public StreamSpec {
        Objects.requireNonNull(name, "name");
        mode = mode == null ? StreamMode.PROVISIONED : mode;
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
