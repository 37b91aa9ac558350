package io.ferrymq.transport;

/**
 * How a connection reached the broker: which listener, and over what.
 *
 * @param listener the listener's configured name
 * @param kind     raw TCP, TLS, or WebSocket (possibly over TLS)
 * @param protocolLabel what to call the connection's transport in logs ({@code tcp}, {@code ws}, {@code wss})
 */
public record ConnectionContext(String listener, Kind kind, String protocolLabel) {

    public enum Kind { TCP, TLS, WEBSOCKET, WEBSOCKET_TLS }

    public boolean secure() {
        return kind == Kind.TLS || kind == Kind.WEBSOCKET_TLS;
    }

    public boolean websocket() {
        return kind == Kind.WEBSOCKET || kind == Kind.WEBSOCKET_TLS;
    }
}
