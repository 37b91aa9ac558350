package io.ferrymq.stomp;

import io.ferrymq.core.api.Broker;
import io.ferrymq.stomp.codec.StompFrameDecoder;
import io.ferrymq.stomp.codec.StompFrameEncoder;
import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.ProtocolModule;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/** STOMP 1.0-1.2 as a transport protocol: recognised by a leading CONNECT or STOMP frame. */
public final class StompProtocol implements ProtocolModule {

    public static final String NAME = "stomp";
    private static final byte[] CONNECT = "CONNECT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STOMP = "STOMP".getBytes(StandardCharsets.US_ASCII);

    private final Broker broker;
    private final StompSettings settings;

    public StompProtocol(Broker broker, StompSettings settings) {
        this.broker = broker;
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Detection detect(ByteBuf in) {
        int i = in.readerIndex();
        // Heart-beat EOLs may precede the first frame.
        while (i < in.writerIndex() && (in.getByte(i) == '\n' || in.getByte(i) == '\r')) {
            i++;
        }
        Detection c = startsWith(in, i, CONNECT);
        if (c != Detection.NO_MATCH) {
            return c;
        }
        return startsWith(in, i, STOMP);
    }

    private static Detection startsWith(ByteBuf in, int from, byte[] word) {
        int available = in.writerIndex() - from;
        int n = Math.min(available, word.length);
        for (int k = 0; k < n; k++) {
            if (in.getByte(from + k) != word[k]) {
                return Detection.NO_MATCH;
            }
        }
        return available >= word.length ? Detection.MATCH : Detection.NEED_MORE;
    }

    @Override
    public Set<String> websocketSubprotocols() {
        return Set.of("v10.stomp", "v11.stomp", "v12.stomp", "stomp");
    }

    @Override
    public boolean websocketTextFrames() {
        return true;
    }

    @Override
    public void initChannel(Channel channel, ConnectionContext context) {
        StompFrameDecoder decoder = new StompFrameDecoder(settings.limits());
        StompFrameEncoder encoder = new StompFrameEncoder();
        channel.pipeline().addLast("stomp-decoder", decoder);
        channel.pipeline().addLast("stomp-encoder", encoder);
        channel.pipeline().addLast("stomp", new StompConnection(broker, settings, context, decoder, encoder));
    }
}
