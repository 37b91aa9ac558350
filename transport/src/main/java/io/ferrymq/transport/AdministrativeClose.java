package io.ferrymq.transport;

/**
 * A user event fired into one connection that an operator closes (the management API's
 * {@code DELETE /api/connections/{name}}): the protocol handler tells the client so, with the operator's reason, in
 * its own terms (AMQP 0-9-1 {@code connection.close} 320 CONNECTION_FORCED, AMQP 1.0 {@code amqp:connection:forced},
 * MQTT 5 DISCONNECT 0x98, a STOMP ERROR frame, an OpenWire ConnectionError), before the transport closes the socket.
 */
public record AdministrativeClose(String reason) {
}
