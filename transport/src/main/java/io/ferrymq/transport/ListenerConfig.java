package io.ferrymq.transport;

import io.netty.handler.ssl.SslContext;

import java.util.List;
import java.util.Objects;

/**
 * One listening socket.
 *
 * @param protocols     the protocols it serves: one is used directly; several are told apart by their
 *                      first bytes (TCP) or by subprotocol (WebSocket)
 * @param websocket     whether connections are WebSocket upgrades
 * @param websocketPath only upgrades to paths starting with this are accepted
 * @param ssl           TLS for this listener; null for plain
 * @param maxFrameBytes the largest WebSocket message accepted
 * @param limits        timeouts and the per-source connection limit; null for the defaults
 * @param tlsOptional   with {@code ssl} on a listener of several TCP protocols: a connection that opens with a TLS
 *                      ClientHello gets TLS (and is sniffed again inside it), any other is served in plaintext
 */
public record ListenerConfig(String name, String host, int port, List<String> protocols, boolean websocket,
                             String websocketPath, SslContext ssl, int maxFrameBytes, ListenerLimits limits,
                             boolean tlsOptional) {

    public ListenerConfig(String name, String host, int port, List<String> protocols, boolean websocket,
                          String websocketPath, SslContext ssl, int maxFrameBytes, ListenerLimits limits) {
        this(name, host, port, protocols, websocket, websocketPath, ssl, maxFrameBytes, limits, false);
    }

    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        host = host == null ? "127.0.0.1" : host;
        protocols = List.copyOf(protocols);
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("listener '" + name + "' serves no protocol");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listener '" + name + "': port " + port + " is out of range");
        }
        websocketPath = websocketPath == null ? "/" : websocketPath;
        maxFrameBytes = maxFrameBytes <= 0 ? 16 * 1024 * 1024 : maxFrameBytes;
        limits = limits == null ? ListenerLimits.DEFAULTS : limits;
        if (tlsOptional && (ssl == null || websocket || protocols.size() < 2)) {
            throw new IllegalArgumentException("listener '" + name + "': optional TLS needs a certificate and a "
                    + "listener of several TCP protocols (it is told apart from them by its first bytes)");
        }
    }

    public static ListenerConfig tcp(String name, String host, int port, String... protocols) {
        return new ListenerConfig(name, host, port, List.of(protocols), false, null, null, 0, null);
    }

    public static ListenerConfig websocket(String name, String host, int port, String... protocols) {
        return new ListenerConfig(name, host, port, List.of(protocols), true, "/", null, 0, null);
    }

    public ListenerConfig withSsl(SslContext context) {
        return new ListenerConfig(name, host, port, protocols, websocket, websocketPath, context, maxFrameBytes, limits,
                tlsOptional && context != null);
    }

    /** This listener with TLS (see {@link #tlsOptional()}) that plaintext clients may also skip. */
    public ListenerConfig withOptionalSsl(SslContext context) {
        return new ListenerConfig(name, host, port, protocols, websocket, websocketPath, context, maxFrameBytes, limits,
                true);
    }

    public ListenerConfig withLimits(ListenerLimits l) {
        return new ListenerConfig(name, host, port, protocols, websocket, websocketPath, ssl, maxFrameBytes, l,
                tlsOptional);
    }

    public ConnectionContext.Kind kind() {
        if (websocket) {
            return ssl == null ? ConnectionContext.Kind.WEBSOCKET : ConnectionContext.Kind.WEBSOCKET_TLS;
        }
        return ssl == null ? ConnectionContext.Kind.TCP : ConnectionContext.Kind.TLS;
    }
}
