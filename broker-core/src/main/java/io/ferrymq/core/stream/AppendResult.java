package io.ferrymq.core.stream;

/**
 * What became of one appended record: stored in {@code shard} at {@code offset}, or refused by the
 * caller's {@link ShardAdmission} (then {@code offset} is -1 and the record was not stored).
 */
public record AppendResult(int shard, long offset, long arrivalMillis) {

    public boolean refused() {
        return offset < 0;
    }

    static AppendResult refusedBy(int shard) {
        return new AppendResult(shard, -1, -1);
    }
}
