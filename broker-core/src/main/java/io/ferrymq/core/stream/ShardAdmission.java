package io.ferrymq.core.stream;

/**
 * Decides, record by record as they are routed, whether a shard takes one more record now (a protocol's
 * per-shard write limits). Called under the stream's routing lock: it must be quick and must not block.
 */
@FunctionalInterface
public interface ShardAdmission {

    ShardAdmission ALL = (shard, bytes) -> true;

    boolean admit(int shard, int bytes);
}
