package io.ferrymq.core.security;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What the broker knows about a connecting client before it authenticates: where it is and which
 * protocol and listener it came through.
 *
 * @param connectionId unique per connection within the broker process; used for no-local and exclusivity
 * @param protocol     for example {@code stomp-1.2}
 * @param remote       the peer's address; may be null for in-process clients
 * @param listener     the name of the listener that accepted the connection
 * @param clientId     the protocol's own client id (STOMP client-id, MQTT client id, JMS client id), may be null
 */
public record ClientInfo(long connectionId, String protocol, SocketAddress remote, String listener, String clientId) {

    /** True when the peer is on this machine (or in-process), the only place the default guest user may come from. */
    public boolean fromLoopback() {
        if (remote == null) {
            return true;
        }
        if (remote instanceof InetSocketAddress inet) {
            InetAddress a = inet.getAddress();
            return a != null && a.isLoopbackAddress();
        }
        // Unix domain sockets and in-JVM transports are local by construction.
        return true;
    }

    public ClientInfo withClientId(String id) {
        return new ClientInfo(connectionId, protocol, remote, listener, id);
    }

    public ClientInfo withProtocol(String p) {
        return new ClientInfo(connectionId, p, remote, listener, clientId);
    }
}
