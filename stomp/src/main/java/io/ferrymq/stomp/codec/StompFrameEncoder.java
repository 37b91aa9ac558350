package io.ferrymq.stomp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes {@link StompFrame}s, and {@link #HEARTBEAT} as a single LF, each in one pass into one buffer allocated
 * at its estimated size.
 *
 * <ul>
 *   <li>Lines end in LF only, which every version accepts.</li>
 *   <li>Header names and values are escaped per {@link #version}: not at all before it is set, for 1.0,
 *       or for CONNECT, STOMP and CONNECTED. What the encoding in force cannot carry (a NUL anywhere; a
 *       CR in 1.1; a LF or CR without escaping; a ':' in an unescaped name) fails the write with an
 *       {@link io.netty.handler.codec.EncoderException} instead of corrupting the stream.</li>
 *   <li>A non-empty body gets a {@code content-length} header appended after the others unless the
 *       frame has one, so binary bodies with NULs are safe. A frame whose first {@code content-length}
 *       disagrees with its body is refused for the same reason.</li>
 * </ul>
 *
 * <p>Messages other than frames and {@link #HEARTBEAT} pass through untouched.
 */
public final class StompFrameEncoder extends MessageToByteEncoder<Object> {

    /** Write this to send a heart-beat: a single LF. Same object as {@link StompFrameDecoder#HEARTBEAT}. */
    public static final Object HEARTBEAT = StompHeartbeat.INSTANCE;

    private static final String CONTENT_LENGTH = "content-length";
    private static final byte LF = '\n';

    private volatile StompVersion version;

    public StompFrameEncoder() {
        super(Object.class);
    }

    /** Sets the header escaping for frames written from now on; before the first call none is applied. */
    public void version(StompVersion v) {
        this.version = v;
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof StompFrame || msg == HEARTBEAT;
    }

    /**
     * A buffer of the frame's estimated size (its strings' lengths in characters, so exact for ASCII headers;
     * the buffer grows for the rest): the frame is then checked and written in one pass, without a separate
     * pass over every character to size it.
     */
    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Object msg, boolean preferDirect) {
        int size = msg == HEARTBEAT ? 1 : estimatedSize((StompFrame) msg);
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    private static int estimatedSize(StompFrame frame) {
        long size = frame.command().length() + 1L;
        for (int i = 0, n = frame.headerCount(); i < n; i++) {
            size += frame.headerName(i).length() + frame.headerValue(i).length() + 2L;
        }
        // content-length (up to 10 digits), the blank line, the body and the NUL
        size += CONTENT_LENGTH.length() + 12L + 1L + frame.bodyLength() + 1L;
        return (int) Math.min(size, Integer.MAX_VALUE);
    }

    /** Validates the frame for the current version while writing it; a frame it refuses is discarded whole. */
    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
        if (msg == HEARTBEAT) {
            out.writeByte(LF);
            return;
        }
        StompFrame frame = (StompFrame) msg;
        String command = frame.command();
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c == '\n' || c == '\r' || c == '\0') {
                throw new IllegalArgumentException("a command cannot contain a line feed, carriage return or NUL");
            }
        }
        byte[] body = frame.bodyArray();
        String declared = frame.header(CONTENT_LENGTH);
        if (declared != null && !declared.equals(Integer.toString(body.length))) {
            throw new IllegalArgumentException("the frame declares content-length " + declared
                    + " but its body has " + body.length + " bytes");
        }
        HeaderEscaping escaping = HeaderEscaping.forFrame(version, command);
        ByteBufUtil.writeUtf8(out, command);
        out.writeByte(LF);
        for (int i = 0, n = frame.headerCount(); i < n; i++) {
            String name = frame.headerName(i);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a header name cannot be empty");
            }
            escaping.write(out, name, true);
            out.writeByte(':');
            escaping.write(out, frame.headerValue(i), false);
            out.writeByte(LF);
        }
        if (declared == null && body.length > 0) {
            ByteBufUtil.writeAscii(out, CONTENT_LENGTH);
            out.writeByte(':');
            FrameWriter.decimal(out, body.length);
            out.writeByte(LF);
        }
        out.writeByte(LF);
        out.writeBytes(body);
        out.writeByte(0);
    }
}
