package io.ferrymq.core.stream;

import java.util.List;

/**
 * A read from one shard.
 *
 * @param records      the records, in offset order
 * @param nextOffset   where the next read continues (after the last record returned, or where this one
 *                     started if it returned nothing and nothing was skipped)
 * @param endOffset    the shard's durable end when the read was made
 * @param millisBehind how far the first record not yet read is behind the broker's clock; 0 when caught up
 * @param shardEnded   the shard is closed (split or merged) and {@code nextOffset} is its end: the reader
 *                     continues with its children
 */
public record ReadResult(List<StreamRecord> records, long nextOffset, long endOffset, long millisBehind,
                         boolean shardEnded) {
}
