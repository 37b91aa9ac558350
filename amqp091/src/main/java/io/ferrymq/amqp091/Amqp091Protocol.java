package io.ferrymq.amqp091;

import io.ferrymq.amqp091.codec.FrameDecoder;
import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.ProtocolModule;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.util.Set;

/**
 * AMQP 0-9-1 as a transport protocol, recognised by its header {@code AMQP\0\0\9\1}, so it shares port
 * 5672 (and the unified port) with AMQP 1.0, whose headers it leaves alone.
 */
public final class Amqp091Protocol implements ProtocolModule {

    public static final String NAME = "amqp091";
    private static final byte[] HEADER = FrameDecoder.PROTOCOL_HEADER;

    private final Broker broker;
    private final Amqp091Settings settings;
    private final DirectReplyTo directReplyTo = new DirectReplyTo();
    private final StreamQueues streamQueues;

    public Amqp091Protocol(Broker broker, Amqp091Settings settings) {
        this.broker = broker;
        this.settings = settings;
        this.streamQueues = new StreamQueues(broker);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Detection detect(ByteBuf in) {
        int n = Math.min(in.readableBytes(), HEADER.length);
        for (int i = 0; i < Math.min(n, 4); i++) {
            if (in.getByte(in.readerIndex() + i) != HEADER[i]) {
                return Detection.NO_MATCH;
            }
        }
        if (n < HEADER.length) {
            return Detection.NEED_MORE;
        }
        for (int i = 4; i < HEADER.length; i++) {
            if (in.getByte(in.readerIndex() + i) != HEADER[i]) {
                // AMQP 1.0 (x.1.0.0) is another module's; other versions (0-8, 0-10) get 0-9-1's header back.
                boolean amqp10 = in.getByte(in.readerIndex() + 5) == 1 && in.getByte(in.readerIndex() + 6) == 0
                        && in.getByte(in.readerIndex() + 7) == 0;
                return amqp10 ? Detection.NO_MATCH : Detection.OTHER_VERSION;
            }
        }
        return Detection.MATCH;
    }

    @Override
    public Set<String> websocketSubprotocols() {
        return Set.of("amqp091", "amqp0-9-1");
    }

    @Override
    public void initChannel(Channel channel, ConnectionContext context) {
        FrameDecoder decoder = new FrameDecoder(settings.frameMax());
        channel.pipeline().addLast("amqp091-decoder", decoder);
        channel.pipeline().addLast("amqp091", new Amqp091Connection(broker, settings, directReplyTo, context,
                decoder, streamQueues));
    }
}
