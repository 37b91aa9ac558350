package io.ferrymq.transport;

/**
 * A user event fired into every open connection when the broker stops, so the protocol handler can say
 * goodbye in its own terms (an MQTT 5 DISCONNECT, an AMQP close, a STOMP ERROR) before the transport
 * closes the socket.
 */
public final class ShutdownNotice {

    public static final ShutdownNotice INSTANCE = new ShutdownNotice();

    private ShutdownNotice() {
    }

    @Override
    public String toString() {
        return "the broker is shutting down";
    }
}
