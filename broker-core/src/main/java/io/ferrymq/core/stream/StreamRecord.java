package io.ferrymq.core.stream;

/**
 * One record of a shard's log.
 *
 * @param offset          its position in the shard, from 0, increasing by one per record
 * @param arrivalMillis   when the broker appended it (broker clock), never earlier than its predecessor's
 * @param partitionKey    the key the producer routed it by
 * @param explicitHashKey the hash key the producer gave instead of the partition key's hash, or null
 * @param data            the payload
 */
public record StreamRecord(long offset, long arrivalMillis, String partitionKey, String explicitHashKey, byte[] data) {
}
