package io.ferrymq.core.stream;

import java.math.BigInteger;

/**
 * A shard of a stream.
 *
 * @param index          its number in the stream, never reused; children get higher numbers than parents
 * @param hashStart      the lowest hash key it takes (inclusive)
 * @param hashEnd        the highest hash key it takes (inclusive)
 * @param parent         the shard it was split or merged from, or -1
 * @param adjacentParent the other shard of a merge, or -1
 * @param endOffset      -1 while open; once closed by a split or merge, the offset after its last record
 */
public record ShardInfo(int index, BigInteger hashStart, BigInteger hashEnd, int parent, int adjacentParent,
                        long endOffset) {

    public boolean open() {
        return endOffset < 0;
    }

    public boolean holds(BigInteger hashKey) {
        return hashStart.compareTo(hashKey) <= 0 && hashEnd.compareTo(hashKey) >= 0;
    }

    ShardInfo closedAt(long offset) {
        return new ShardInfo(index, hashStart, hashEnd, parent, adjacentParent, offset);
    }
}
