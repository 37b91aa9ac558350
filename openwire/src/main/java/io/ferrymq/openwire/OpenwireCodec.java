package io.ferrymq.openwire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.Command;
import org.apache.activemq.command.CommandTypes;
import org.apache.activemq.command.ConsumerId;
import org.apache.activemq.command.DataStructure;
import org.apache.activemq.command.MessageDispatch;
import org.apache.activemq.command.Response;
import org.apache.activemq.command.WireFormatInfo;
import org.apache.activemq.openwire.BooleanStream;
import org.apache.activemq.openwire.OpenWireFormat;
import org.apache.activemq.util.ByteSequence;
import org.apache.activemq.util.DataByteArrayOutputStream;

import java.io.IOException;
import java.util.ArrayDeque;
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
    /** A tight Response after its size prefix: type, boolean stream (length and one byte), two ints. */
    private static final int RESPONSE_SIZE = 1 + 2 + 4 + 4;

    private final OpenwireSettings settings;
    private final OpenWireFormat format = new OpenWireFormat(MAX_VERSION);
    private final WireFormatInfo offered;
    /**
     * The messages decoded with a frame, oldest first, each beside its frame: the connection takes a message's frame
     * as it handles the message, in the order they came (those of one read are handled together at its end).
     */
    private final ArrayDeque<Object> framed = new ArrayDeque<>();
    /** How many messages {@link #framed} keeps at most: one a connection never takes goes once this many follow. */
    private static final int MAX_FRAMED = 4096;
    private final ReceivedFrame.Layout frameLayout = new ReceivedFrame.Layout();

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

    /**
     * The frame message {@code m} came in, if its bytes can be delivered as they are ({@link ReceivedFrame#of});
     * taken once. Messages decoded before {@code m} whose frames were not taken (a repeated send, say) lose theirs.
     */
    ReceivedFrame takeFrame(ActiveMQMessage m) {
        // By identity: a repeated send equals the message it repeats.
        boolean held = false;
        boolean messageSlot = true;
        for (Object o : framed) {
            if (messageSlot && o == m) {
                held = true;
                break;
            }
            messageSlot = !messageSlot;
        }
        if (!held) {
            return null;
        }
        while (true) {
            Object message = framed.poll();
            ReceivedFrame frame = (ReceivedFrame) framed.poll();
            if (message == m) {
                return frame;
            }
        }
    }

    /** Whether this connection can send {@code frame} as it is: the same version, tight and uncached. */
    boolean canPassOn(ReceivedFrame frame) {
        return frame.version() == format.getVersion() && format.isTightEncodingEnabled() && !format.isCacheEnabled();
    }

    /**
     * What a {@link FrameDispatch} to one consumer starts with after its command type, the same for each of them:
     * the boolean stream (not a response; consumer id and destination nested; a message, in its own frame) and the
     * command id, consumer id and destination.
     */
    byte[] dispatchHeader(ConsumerId consumer, DataStructure destination) throws IOException {
        BooleanStream bits = new BooleanStream();
        bits.writeBoolean(false);
        format.tightMarshalNestedObject1(consumer, bits);
        format.tightMarshalNestedObject1(destination, bits);
        bits.writeBoolean(true);
        bits.writeBoolean(true);
        DataByteArrayOutputStream out = new DataByteArrayOutputStream(128);
        bits.marshal(out);
        out.writeInt(0);
        bits.readBoolean();
        format.tightMarshalNestedObject2(consumer, out, bits);
        format.tightMarshalNestedObject2(destination, out, bits);
        return out.toByteSequence().toArray();
    }

    private static void encode(FrameDispatch d, ByteBuf out) {
        ReceivedFrame frame = d.frame();
        byte[] header = d.header();
        out.ensureWritable(4 + 1 + header.length + 1 + frame.length(d.sequence()) + 4);
        out.writeInt(1 + header.length + 1 + frame.length(d.sequence()) + 4);
        out.writeByte(CommandTypes.MESSAGE_DISPATCH);
        out.writeBytes(header);
        out.writeByte(frame.type());
        frame.writeTo(out, d.sequence());
        out.writeInt(d.getRedeliveryCounter());
    }

    /**
     * A plain Response in tight encoding, as OpenWireFormat marshals it: size, type, a boolean stream of one byte
     * (responseRequired), the command id and the correlation id. Written directly: one goes out per synchronous
     * send, and the general marshalling makes a boolean stream and a stream wrapper for each.
     */
    private static void encode(Response r, ByteBuf out) {
        out.ensureWritable(RESPONSE_SIZE + 4);
        out.writeInt(RESPONSE_SIZE);
        out.writeByte(CommandTypes.RESPONSE);
        out.writeByte(1);
        out.writeByte(r.isResponseRequired() ? 1 : 0);
        out.writeInt(r.getCommandId());
        out.writeInt(r.getCorrelationId());
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Command command, ByteBuf out) throws Exception {
        if (command instanceof FrameDispatch d) {
            encode(d, out);
            return;
        }
        if (command.getClass() == Response.class && format.isTightEncodingEnabled()) {
            encode((Response) command, out);
            return;
        }
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
        if (c instanceof ActiveMQMessage m) {
            ReceivedFrame received = ReceivedFrame.of(format, frame, m, frameLayout);
            if (received != null) {
                if (framed.size() >= 2 * MAX_FRAMED) {
                    framed.poll();
                    framed.poll();
                }
                framed.add(m);
                framed.add(received);
            }
        }
        out.add(c);
    }
}
