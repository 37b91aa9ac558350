package io.ferrymq.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.util.Set;

/**
 * A wire protocol the transport can serve. Protocol modules implement it; the transport picks one per
 * connection (by listener, by the first bytes, or by WebSocket subprotocol) and lets it set up the
 * channel's pipeline. Handlers see a byte stream either way: WebSocket framing is removed before them.
 */
public interface ProtocolModule {

    /** A short name used in configuration and logs: {@code stomp}, {@code mqtt}, {@code amqp}. */
    String name();

    /**
     * Port unification: does a connection starting with these bytes speak this protocol? Called with
     * whatever has arrived; answer {@link Detection#NEED_MORE} until sure.
     */
    Detection detect(ByteBuf firstBytes);

    /** WebSocket subprotocols this protocol answers to (for example {@code v12.stomp}). */
    Set<String> websocketSubprotocols();

    /** Whether replies over WebSocket go in text frames (STOMP) rather than binary ones (MQTT, AMQP). */
    default boolean websocketTextFrames() {
        return false;
    }

    /** Adds this protocol's codec and connection handler at the end of the channel's pipeline. */
    void initChannel(Channel channel, ConnectionContext context);

    enum Detection {
        MATCH,
        NO_MATCH,
        NEED_MORE,
        /**
         * This protocol's header, but for a version this module does not serve. The module takes the
         * connection only when no other module matches it, to answer with the version it does serve (as AMQP's
         * version negotiation asks) rather than leave the client with a silent close.
         */
        OTHER_VERSION
    }
}
