package io.ferrymq.amqp;

import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.ProtocolModule;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.util.Set;

/**
 * AMQP 1.0 as a transport protocol: recognised by its protocol header ({@code AMQP} then protocol id 0, 2
 * or 3 and version 1.0.0, which tells it apart from AMQP 0-9-1's {@code AMQP 0 0 9 1}); over WebSocket by
 * the subprotocol {@code amqp}.
 */
public final class AmqpProtocol implements ProtocolModule {

    public static final String NAME = "amqp";
    public static final String WEBSOCKET_SUBPROTOCOL = "amqp";

    private final Broker broker;
    private final AmqpSettings settings;
    private final ContainerRegistry containers = new ContainerRegistry();

    public AmqpProtocol(Broker broker, AmqpSettings settings) {
        this.broker = broker;
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Detection detect(ByteBuf firstBytes) {
        ProtocolHeader.Kind kind = ProtocolHeader.classify(firstBytes);
        if (kind == ProtocolHeader.Kind.INCOMPLETE) {
            return Detection.NEED_MORE;
        }
        if (ProtocolHeader.isAmqp10(firstBytes)) {
            return Detection.MATCH;
        }
        // Another AMQP version (0-9-1, 0-10): if no module serves it, this one answers with the 1.0 header.
        return ProtocolHeader.isAmqpFamily(firstBytes) ? Detection.OTHER_VERSION : Detection.NO_MATCH;
    }

    @Override
    public Set<String> websocketSubprotocols() {
        return Set.of(WEBSOCKET_SUBPROTOCOL);
    }

    @Override
    public void initChannel(Channel channel, ConnectionContext context) {
        channel.pipeline().addLast("amqp", new AmqpConnectionHandler(broker, settings, context, containers));
    }

    public AmqpSettings settings() {
        return settings;
    }
}
