package io.ferrymq.core.stream;

import java.util.List;
import java.util.Map;

/**
 * A stream's definition at one moment (immutable).
 *
 * @param shards    every shard still holding records or open, by index; closed parents stay until their
 *                  records pass retention
 * @param nextShard the index the next new shard gets
 */
public record StreamInfo(String vhost, String name, StreamStatus status, StreamMode mode, long retentionMillis,
                         long retentionBytes, long createdMillis, List<ShardInfo> shards, Map<String, String> tags,
                         int nextShard) {

    public StreamInfo {
        shards = List.copyOf(shards);
        tags = Map.copyOf(tags);
    }

    public List<ShardInfo> openShards() {
        return shards.stream().filter(ShardInfo::open).toList();
    }

    public ShardInfo shard(int index) {
        for (ShardInfo s : shards) {
            if (s.index() == index) {
                return s;
            }
        }
        return null;
    }

    StreamInfo withShards(List<ShardInfo> newShards, int next) {
        return new StreamInfo(vhost, name, status, mode, retentionMillis, retentionBytes, createdMillis, newShards,
                tags, next);
    }

    public StreamInfo withRetention(long millis) {
        return new StreamInfo(vhost, name, status, mode, millis, retentionBytes, createdMillis, shards, tags, nextShard);
    }

    public StreamInfo withTags(Map<String, String> newTags) {
        return new StreamInfo(vhost, name, status, mode, retentionMillis, retentionBytes, createdMillis, shards,
                newTags, nextShard);
    }

    public StreamInfo withMode(StreamMode newMode) {
        return new StreamInfo(vhost, name, status, newMode, retentionMillis, retentionBytes, createdMillis, shards,
                tags, nextShard);
    }
}
