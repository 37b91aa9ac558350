package io.ferrymq.core.stream;

/** How a stream's shard count is managed: fixed by its owner, or grown by the broker on demand. */
public enum StreamMode { PROVISIONED, ON_DEMAND }
