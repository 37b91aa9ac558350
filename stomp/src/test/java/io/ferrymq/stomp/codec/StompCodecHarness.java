package io.ferrymq.stomp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Drives the codec through a real pipeline; errors are captured instead of failing the channel. */
final class StompCodecHarness {

    final StompFrameDecoder decoder;
    final EmbeddedChannel channel;
    private final List<Throwable> errors = new ArrayList<>();

    private StompCodecHarness(StompLimits limits, StompVersion version, ChannelHandler... extra) {
        decoder = new StompFrameDecoder(limits);
        if (version != null) {
            decoder.version(version);
        }
        channel = new EmbeddedChannel();
        channel.pipeline().addLast(decoder);
        channel.pipeline().addLast(extra);
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
            }
        });
    }

    static StompCodecHarness decoder() {
        return new StompCodecHarness(StompLimits.defaults(), null);
    }

    static StompCodecHarness decoder(StompVersion version) {
        return new StompCodecHarness(StompLimits.defaults(), version);
    }

    static StompCodecHarness decoder(StompLimits limits) {
        return new StompCodecHarness(limits, null);
    }

    static StompCodecHarness decoderWith(ChannelHandler extra) {
        return new StompCodecHarness(StompLimits.defaults(), null, extra);
    }

    StompCodecHarness feed(String text) {
        return feed(bytes(text), Integer.MAX_VALUE);
    }

    StompCodecHarness feed(String text, int chunkSize) {
        return feed(bytes(text), chunkSize);
    }

    StompCodecHarness feed(byte[] data) {
        return feed(data, Integer.MAX_VALUE);
    }

    /** Writes {@code data} in reads of at most {@code chunkSize} bytes, as TCP may deliver it. */
    StompCodecHarness feed(byte[] data, int chunkSize) {
        for (int off = 0; off < data.length; off += chunkSize) {
            int end = (int) Math.min((long) off + chunkSize, data.length);
            channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(data, off, end)));
        }
        return this;
    }

    /** Everything decoded so far, frames and heart-beats in order; drains the channel. */
    List<Object> messages() {
        List<Object> out = new ArrayList<>();
        for (Object m; (m = channel.readInbound()) != null; ) {
            out.add(m);
        }
        return out;
    }

    List<StompFrame> frames() {
        List<StompFrame> out = new ArrayList<>();
        for (Object m : messages()) {
            if (m instanceof StompFrame f) {
                out.add(f);
            }
        }
        return out;
    }

    StompFrame singleFrame() {
        List<Object> all = messages();
        if (all.size() != 1 || !(all.get(0) instanceof StompFrame)) {
            throw new AssertionError("expected exactly one frame but got " + all + ", errors " + errors);
        }
        return (StompFrame) all.get(0);
    }

    List<Throwable> errors() {
        return errors;
    }

    /** The one protocol error fired so far; fails if there were none, several, or of another type. */
    StompProtocolException singleError() {
        if (errors.size() != 1 || !(errors.get(0) instanceof StompProtocolException)) {
            throw new AssertionError("expected exactly one StompProtocolException but got " + errors);
        }
        return (StompProtocolException) errors.get(0);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    /** Encodes through a real pipeline and returns the bytes of the one buffer written. */
    static byte[] encode(StompVersion version, Object message) {
        StompFrameEncoder encoder = new StompFrameEncoder();
        if (version != null) {
            encoder.version(version);
        }
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        try {
            ch.writeOutbound(message);
            ByteBuf buf = ch.readOutbound();
            try {
                if (ch.readOutbound() != null) {
                    throw new AssertionError("more than one buffer written for one message");
                }
                byte[] out = new byte[buf.readableBytes()];
                buf.getBytes(buf.readerIndex(), out);
                return out;
            } finally {
                buf.release();
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
