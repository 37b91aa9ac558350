package io.ferrymq.transport;

/**
 * A user event fired through a connection's pipeline when the transport beneath its protocol (WebSocket
 * framing) met input it cannot accept and is closing the connection. A protocol may answer with its own error
 * (a STOMP ERROR frame) before the transport's close; it need not close the connection itself.
 *
 * @param reason what was wrong, fit to show the client
 */
public record TransportFault(String reason) {
}
