package io.ferrymq.openwire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.Command;
import org.apache.activemq.command.MessageDispatch;
import org.apache.activemq.command.WireFormatInfo;
import org.apache.activemq.openwire.OpenWireFormat;
import org.apache.activemq.util.ByteSequence;

import java.io.IOException;
import java.util.List;

/**
 * OpenWire framing and marshalling with activemq-client's {@link OpenWireFormat}: a 4-byte size prefix, then the
 * command in the negotiated encoding. The broker never agrees to drop the size prefix, so every command is
 * framed; one longer than the configured maximum is refused before it is buffered.
 */
final class OpenwireCodec extends ByteToMessageCodec<Command> {

    /** The highest OpenWire version activemq-client 6.x speaks. */
    static final int MAX_VERSION = 12;
    /** Room for a message's headers and properties beside its body, enough for most. */
    private static final int FRAME_OVERHEAD_ESTIMATE = 512;

    private final OpenwireSettings settings;
    private final OpenWireFormat format = new OpenWireFormat(MAX_VERSION);
    private final WireFormatInfo offered;

    OpenwireCodec(OpenwireSettings settings) {
        super(Command.class);
        this.settings = settings;
        this.offered = offer(settings);
        format.setMaxFrameSize(settings.maxFrameSize());
    }

    private static WireFormatInfo offer(OpenwireSettings s) {
        WireFormatInfo info = new WireFormatInfo();
        info.setVersion(MAX_VERSION);
        try {
            // A client's mistake is answered with its JMS exception, never with the broker's stack trace.
            info.setStackTraceEnabled(false);
            info.setCacheEnabled(s.cacheEnabled());
            info.setCacheSize(1024);
            info.setTightEncodingEnabled(s.tightEncodingEnabled());
            info.setSizePrefixDisabled(false);
            info.setTcpNoDelayEnabled(true);
            info.setMaxInactivityDuration(s.maxInactivityMillis());
            info.setMaxInactivityDurationInitalDelay(Math.min(10_000, s.maxInactivityMillis()));
            info.setMaxFrameSize(s.maxFrameSize());
        } catch (IOException e) {
            throw new IllegalStateException("cannot build the broker's WireFormatInfo", e);
        }
        return info;
    }

    /** What the broker offers; sent first, in the initial (loose, uncached) encoding. */
    WireFormatInfo offered() {
        return offered;
    }

    /** Settles the encoding with the client's WireFormatInfo: the lower version, and each option both ask for. */
    void negotiate(WireFormatInfo client) throws IOException {
        format.setPreferedWireFormatInfo(offered);
        format.renegotiateWireFormat(client);
        // renegotiate takes the smaller frame limit; the broker's own limit stays what it enforces below.
        format.setMaxFrameSize(Math.min(settings.maxFrameSize(), client.getMaxFrameSize()));
    }

    int version() {
        return format.getVersion();
    }

    boolean tightEncoding() {
        return format.isTightEncodingEnabled();
    }

    boolean cacheEnabled() {
        return format.isCacheEnabled();
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Command command, ByteBuf out) throws Exception {
        // Straight into the outbound buffer: marshal(Object) would make a new array of the frame's size per
        // command, then have it copied here. Sized once for a message's body rather than grown as it is written.
        ActiveMQMessage m = command instanceof MessageDispatch md ? md.getMessage() instanceof ActiveMQMessage am
                ? am : null : command instanceof ActiveMQMessage am ? am : null;
        ByteSequence content = m == null ? null : m.getContent();
        if (content != null) {
            out.ensureWritable(content.getLength() + FRAME_OVERHEAD_ESTIMATE);
        }
        format.marshal(command, new ByteBufOutputStream(out));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (in.readableBytes() < 4) {
            return;
        }
        int size = in.getInt(in.readerIndex());
        if (size < 1 || size > settings.maxFrameSize()) {
            in.skipBytes(in.readableBytes());
            throw new OpenwireProtocolException(size < 1
                    ? "a command of " + size + " bytes is not valid OpenWire"
                    : "a command of " + size + " bytes exceeds the broker's max-frame-size of "
                    + settings.maxFrameSize() + " bytes");
        }
        if (in.readableBytes() < 4 + size) {
            return;
        }
        byte[] frame = new byte[4 + size];
        in.readBytes(frame);
        Object command;
        try {
            command = format.unmarshal(new ByteSequence(frame));
        } catch (IOException | RuntimeException e) {
            throw new OpenwireProtocolException("a command could not be read: " + e.getMessage());
        }
        if (!(command instanceof Command c)) {
            throw new OpenwireProtocolException("a frame held " + (command == null ? "nothing" : "no command"));
        }
        out.add(c);
    }
}
