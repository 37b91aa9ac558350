package io.ferrymq.core.errors;

/** The kinds of failure every protocol can express in its own terms. */
public enum ErrorCode {
    /** Credentials were wrong or missing. */
    AUTHENTICATION_FAILED,
    /** The principal may not do this on that resource. */
    UNAUTHORIZED,
    /** The queue, exchange, stream or delivery does not exist. */
    NOT_FOUND,
    /** Something by that name exists already with different settings. */
    PRECONDITION_FAILED,
    /** The resource belongs exclusively to another connection or consumer. */
    RESOURCE_LOCKED,
    /** A limit was hit: queue full, memory, message size, connection count. */
    RESOURCE_LIMIT_EXCEEDED,
    /**
     * The broker's disk is full or below its free-space limit: durable messages are refused until space is
     * freed (consumers keep working). Producers may retry later.
     */
    DISK_FULL,
    /** A malformed argument: bad selector, bad name, value out of range. */
    INVALID_ARGUMENT,
    /** The operation does not fit the current state (for example a transaction that is not open). */
    ILLEGAL_STATE,
    /** The broker is shutting down or not active (an HA standby). */
    UNAVAILABLE,
    /** A bug or an I/O failure; the message has the details. */
    INTERNAL
}
