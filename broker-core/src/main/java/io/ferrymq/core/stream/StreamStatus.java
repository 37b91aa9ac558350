package io.ferrymq.core.stream;

/** The life cycle of a stream, as Kinesis names it. */
public enum StreamStatus { CREATING, ACTIVE, UPDATING, DELETING }
