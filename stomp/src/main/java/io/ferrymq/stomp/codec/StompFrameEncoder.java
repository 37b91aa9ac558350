package io.ferrymq.stomp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link StompFrame}s, and {@link #HEARTBEAT} as a single LF, each into one buffer allocated at
 * its exact size.
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
    /**
     * The escaping decided while sizing the buffer, reused by {@link #encode} so that a concurrent
     * {@link #version} call cannot make the two passes disagree. Both run back to back on the event loop.
     */
    private HeaderEscaping pendingEscaping;
    private boolean pendingContentLength;

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

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Object msg, boolean preferDirect) {
        int size = msg == HEARTBEAT ? 1 : sizeOf((StompFrame) msg);
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    /** Validates the frame for the current version and returns its exact encoded size. */
    private int sizeOf(StompFrame frame) {
        String command = frame.command();
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c == '\n' || c == '\r' || c == '\0') {
                throw new IllegalArgumentException("a command cannot contain a line feed, carriage return or NUL");
            }
        }
        HeaderEscaping escaping = HeaderEscaping.forFrame(version, command);
        long size = ByteBufUtil.utf8Bytes(command) + 1L;
        List<Map.Entry<String, String>> headers = frame.headers();
        for (int i = 0, n = headers.size(); i < n; i++) {
            Map.Entry<String, String> h = headers.get(i);
            if (h.getKey().isEmpty()) {
                throw new IllegalArgumentException("a header name cannot be empty");
            }
            size += escaping.encodedLength(h.getKey(), true) + 1L + escaping.encodedLength(h.getValue(), false) + 1L;
        }
        int bodyLength = frame.bodyLength();
        String declared = frame.header(CONTENT_LENGTH);
        boolean addContentLength = declared == null && bodyLength > 0;
        if (declared != null && !declared.equals(Integer.toString(bodyLength))) {
            throw new IllegalArgumentException("the frame declares content-length " + declared
                    + " but its body has " + bodyLength + " bytes");
        }
        if (addContentLength) {
            size += CONTENT_LENGTH.length() + 1L + Integer.toString(bodyLength).length() + 1L;
        }
        size += 1L + bodyLength + 1L;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("frame too large to encode: " + size + " bytes");
        }
        pendingEscaping = escaping;
        pendingContentLength = addContentLength;
        return (int) size;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
        if (msg == HEARTBEAT) {
            out.writeByte(LF);
            return;
        }
        StompFrame frame = (StompFrame) msg;
        HeaderEscaping escaping = pendingEscaping;
        ByteBufUtil.writeUtf8(out, frame.command());
        out.writeByte(LF);
        List<Map.Entry<String, String>> headers = frame.headers();
        for (int i = 0, n = headers.size(); i < n; i++) {
            Map.Entry<String, String> h = headers.get(i);
            escaping.write(out, h.getKey());
            out.writeByte(':');
            escaping.write(out, h.getValue());
            out.writeByte(LF);
        }
        byte[] body = frame.bodyArray();
        if (pendingContentLength) {
            ByteBufUtil.writeAscii(out, CONTENT_LENGTH);
            out.writeByte(':');
            ByteBufUtil.writeAscii(out, Integer.toString(body.length));
            out.writeByte(LF);
        }
        out.writeByte(LF);
        out.writeBytes(body);
        out.writeByte(0);
    }
}
