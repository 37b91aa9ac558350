package io.ferrymq.tests.matrix;

/** What a protocol can carry between a client and the broker, one direction at a time. */
public enum Feature {
    /** Any bytes as the body, not only text. */
    BINARY_BODY,
    /** A body marked as text rather than bytes (a text content type, a JMS TextMessage, MQTT's payload format). */
    TEXT_MARK,
    CONTENT_TYPE,
    /** Application properties (headers, user properties, message attributes). */
    PROPERTIES,
    PRIORITY,
    /** A time to live set by the sender, an expiry time seen by the receiver. */
    EXPIRY,
    /** A second delivery of a message says it is one. */
    REDELIVERED_FLAG
}
