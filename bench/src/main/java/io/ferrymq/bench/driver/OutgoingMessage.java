package io.ferrymq.bench.driver;

/** One message for a producer link to send. The body is shared between sends and must not be modified. */
public record OutgoingMessage(Stamp stamp, byte[] body, boolean persistent) {
}
