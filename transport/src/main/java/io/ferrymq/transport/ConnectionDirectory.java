package io.ferrymq.transport;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The transport's open client connections, for an operator who closes one (the management API): the core
 * knows a connection by its session's client address, the transport by its channel, and this joins the two.
 * A module that needs it implements {@link User}; the server hands it over when it starts.
 */
public final class ConnectionDirectory {

    private static final long GOODBYE_MILLIS = 2_000;

    private final ChannelGroup connections;
    private final Supplier<Map<String, InetSocketAddress>> listeners;

    ConnectionDirectory(ChannelGroup connections, Supplier<Map<String, InetSocketAddress>> listeners) {
        this.connections = connections;
        this.listeners = listeners;
    }

    /** The bound listeners by name, with their real addresses. */
    public Map<String, InetSocketAddress> listeners() {
        return listeners.get();
    }

    /** A protocol module that needs the directory. */
    public interface User {
        void connections(ConnectionDirectory directory);
    }

    /**
     * Closes the connection from that peer address: its protocol says goodbye in its own terms (as when the
     * broker stops, {@link ShutdownNotice}), and the socket is closed after a short grace whatever it does.
     *
     * @return whether such a connection was open
     */
    public boolean close(SocketAddress peer) {
        return goodbye(peer, ShutdownNotice.INSTANCE);
    }

    /**
     * Closes the connection from that peer address for an operator: its protocol tells the client
     * {@code reason} in its own terms ({@link AdministrativeClose}), and the socket is closed after a short grace.
     *
     * @return whether such a connection was open
     */
    public boolean close(SocketAddress peer, String reason) {
        return goodbye(peer, new AdministrativeClose(reason));
    }

    private boolean goodbye(SocketAddress peer, Object notice) {
        for (Channel ch : connections) {
            if (peer.equals(ch.remoteAddress())) {
                ch.pipeline().fireUserEventTriggered(notice);
                ch.eventLoop().schedule(() -> ch.close(), GOODBYE_MILLIS, TimeUnit.MILLISECONDS);
                return true;
            }
        }
        return false;
    }

    /** Whether a connection from that peer is open. */
    public boolean isOpen(SocketAddress peer) {
        for (Channel ch : connections) {
            if (peer.equals(ch.remoteAddress())) {
                return true;
            }
        }
        return false;
    }
}
