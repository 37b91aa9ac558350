package io.ferrymq.aws.firehose;

/** A record read from a delivery stream's source and waiting in its buffer: where it came from, when, what. */
record BufferedRecord(int shard, long offset, long arrivalMillis, byte[] data) {
}
