package io.ferrymq.stomp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the inbound byte stream into {@link StompFrame}s and {@link #HEARTBEAT} markers.
 *
 * <p>Wire rules, STOMP 1.0 to 1.2:
 * <ul>
 *   <li>Every EOL (LF or CRLF) between frames, including the optional EOLs after a frame's NUL, is
 *       emitted as one {@link #HEARTBEAT}: once per EOL, not once per run, so the connection handler
 *       sees every sign of life. An "empty command line" is therefore indistinguishable from a
 *       heart-beat and is treated as one.</li>
 *   <li>EOL is LF or CRLF in every version (CRLF is formally 1.2 only; accepting it earlier is harmless
 *       because a 1.0/1.1 header cannot end in an unescaped CR anyway).</li>
 *   <li>The first ':' splits name from value; later colons belong to the value in every version.
 *       Values are never trimmed, in 1.0 either. An empty header name, a line without ':', and a NUL
 *       inside the command or header lines are protocol errors.</li>
 *   <li>Header escaping is chosen per frame when its command line is read: none before
 *       {@link #version} is called, none for 1.0, none for CONNECT, STOMP and CONNECTED.</li>
 *   <li>With {@code content-length} (its first occurrence) exactly that many body octets are read and
 *       a NUL must follow; without it the body ends at the first NUL.</li>
 * </ul>
 *
 * <p>Each {@code decode} call emits at most one message. Netty delivers it downstream before decoding
 * on, so a connection handler that calls {@link #version} while handling CONNECT affects the very next
 * frame even when both arrived in one read.
 *
 * <p>Errors are fired with {@code ctx.fireExceptionCaught} as {@link StompProtocolException}; from then
 * on all input is discarded, since the connection is about to be closed.
 *
 * <p>Not sharable: one instance per channel.
 */
public final class StompFrameDecoder extends ByteToMessageDecoder {

    /** Emitted once for every EOL received between frames. Same object as {@link StompFrameEncoder#HEARTBEAT}. */
    public static final Object HEARTBEAT = StompHeartbeat.INSTANCE;

    private static final byte NUL = 0;
    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final String CONTENT_LENGTH = "content-length";
    private static final ByteProcessor FIND_LF_OR_NUL = b -> b != LF && b != NUL;

    private enum State {
        /** Between frames: EOLs are heart-beats, anything else starts a command line. */
        IDLE,
        COMMAND,
        HEADERS,
        /** Body of known length ({@code content-length}), then the NUL. */
        FIXED_BODY,
        /** Body up to the first NUL. */
        BODY_TO_NUL,
        /** After a protocol error: everything is discarded. */
        FAILED
    }

    private final StompLimits limits;
    // Written by the connection handler, normally on the event loop; volatile in case it is not.
    private volatile StompVersion version;

    private State state = State.IDLE;
    /**
     * How many bytes after readerIndex were already searched for the current delimiter without finding
     * it. Kept relative to readerIndex because the cumulation buffer may be compacted or replaced
     * between calls; it is what keeps split reads linear instead of rescanning from the frame start.
     */
    private int scanned;
    /** Octets of the current frame consumed so far, for the maxFrameBytes check. */
    private long frameBytes;
    private String command;
    private HeaderEscaping escaping;
    private final RecentStrings recent = new RecentStrings();
    /**
     * The current frame's header names and values alternating; reused from frame to frame (never handed out:
     * the frame gets a copy of exactly its size), so a frame costs one array for its headers.
     */
    private String[] headers = new String[16];
    private int headerSlots;
    private int contentLength = -1;

    public StompFrameDecoder(StompLimits limits) {
        if (limits == null) {
            throw new NullPointerException("limits");
        }
        this.limits = limits;
    }

    /**
     * Sets the header escaping for frames whose command line has not been read yet. Before the first
     * call the decoder applies the CONNECT rules, i.e. no unescaping.
     */
    public void version(StompVersion v) {
        this.version = v;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.FAILED) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            Object message = decodeOne(in);
            if (message != null) {
                out.add(message);
            }
        } catch (StompProtocolException e) {
            state = State.FAILED;
            resetFrame();
            in.skipBytes(in.readableBytes());
            ctx.fireExceptionCaught(e);
        }
    }

    /** Advances the state machine as far as the input allows; returns a message once one is complete. */
    private Object decodeOne(ByteBuf in) {
        while (true) {
            switch (state) {
                case IDLE -> {
                    if (!in.isReadable()) {
                        return null;
                    }
                    byte b = in.getByte(in.readerIndex());
                    if (b == LF) {
                        in.skipBytes(1);
                        return HEARTBEAT;
                    }
                    if (b == CR) {
                        if (in.readableBytes() < 2) {
                            return null; // cannot tell a CRLF heart-beat from a command yet
                        }
                        if (in.getByte(in.readerIndex() + 1) == LF) {
                            in.skipBytes(2);
                            return HEARTBEAT;
                        }
                    }
                    state = State.COMMAND;
                }
                case COMMAND -> {
                    if (!readCommandLine(in)) {
                        return null;
                    }
                }
                case HEADERS -> {
                    if (!readHeaderLine(in)) {
                        return null;
                    }
                }
                case FIXED_BODY -> {
                    return readFixedBody(in);
                }
                case BODY_TO_NUL -> {
                    return readBodyToNul(in);
                }
                default -> throw new IllegalStateException("unexpected state " + state);
            }
        }
    }

    private boolean readCommandLine(ByteBuf in) {
        int start = in.readerIndex();
        int eol = findEol(in, "command line");
        if (eol < 0) {
            return false;
        }
        if (in.getByte(eol) == NUL) {
            throw new StompProtocolException(eol == start
                    ? "empty command: a frame starts with NUL"
                    : "unexpected NUL in the command line");
        }
        int length = lineLength(in, start, eol, "command line");
        String known = WireNames.lookup(in, start, length);
        command = known != null ? known : utf8(in, start, length, "the command");
        escaping = HeaderEscaping.forFrame(version, command);
        consumeLine(in, eol);
        state = State.HEADERS;
        return true;
    }

    private boolean readHeaderLine(ByteBuf in) {
        int start = in.readerIndex();
        int eol = findEol(in, "header line");
        if (eol < 0) {
            return false;
        }
        if (in.getByte(eol) == NUL) {
            throw new StompProtocolException("unexpected NUL in the frame headers (missing blank line before the body?)");
        }
        int length = lineLength(in, start, eol, "header line");
        if (length == 0) {
            consumeLine(in, eol);
            startBody();
            return true;
        }
        int count = headerSlots >> 1;
        if (count >= limits.maxHeaders()) {
            throw new StompProtocolException("too many headers: at least " + (count + 1)
                    + ", the limit is " + limits.maxHeaders());
        }
        int colon = in.indexOf(start, start + length, (byte) ':');
        if (colon < 0) {
            throw new StompProtocolException("malformed header line: no ':' between name and value");
        }
        if (colon == start) {
            throw new StompProtocolException("malformed header line: empty header name");
        }
        String known = WireNames.lookup(in, start, colon - start);
        String name = known != null ? known : recentOrDecode(in, start, colon - start, "a header name");
        String value = recentOrDecode(in, colon + 1, start + length - colon - 1, "a header value");
        // Only the first content-length counts, like every repeated header.
        if (contentLength < 0 && name.equals(CONTENT_LENGTH)) {
            contentLength = parseContentLength(value);
        }
        if (headerSlots == headers.length) {
            headers = Arrays.copyOf(headers, headerSlots * 2);
        }
        headers[headerSlots++] = name;
        headers[headerSlots++] = value;
        consumeLine(in, eol);
        return true;
    }

    /**
     * Index of the LF (or of a stray NUL) ending the current line, or -1 if it has not arrived; only
     * bytes not searched before are searched. Fails as soon as the line or frame is known to be over a
     * limit, so an endless line is never buffered.
     */
    private int findEol(ByteBuf in, String lineKind) {
        int from = in.readerIndex() + scanned;
        int found = in.forEachByte(from, in.writerIndex() - from, FIND_LF_OR_NUL);
        if (found >= 0) {
            scanned = 0;
            return found;
        }
        scanned = in.readableBytes();
        // One more byte than the limit may still be the CR of a CRLF.
        if (scanned > limits.maxHeaderLineBytes() + 1) {
            throw new StompProtocolException(lineKind + " too long: at least " + (scanned - 1)
                    + " bytes, the limit is " + limits.maxHeaderLineBytes());
        }
        checkFrameSoFar(frameBytes + scanned);
        return -1;
    }

    /** Length of the line content, i.e. without its LF or CRLF, checked against the line limit. */
    private int lineLength(ByteBuf in, int start, int lf, String lineKind) {
        int length = lf - start;
        if (length > 0 && in.getByte(lf - 1) == CR) {
            length--;
        }
        if (length > limits.maxHeaderLineBytes()) {
            throw new StompProtocolException(lineKind + " too long: " + length
                    + " bytes, the limit is " + limits.maxHeaderLineBytes());
        }
        return length;
    }

    private void consumeLine(ByteBuf in, int lf) {
        frameBytes += lf + 1 - in.readerIndex();
        in.readerIndex(lf + 1);
        // The NUL terminator is still to come, hence at least one more byte.
        checkFrameSoFar(frameBytes + 1);
    }

    private void checkFrameSoFar(long atLeast) {
        if (atLeast > limits.maxFrameBytes()) {
            throw new StompProtocolException("frame too large: at least " + atLeast
                    + " bytes, the limit is " + limits.maxFrameBytes());
        }
    }

    private void startBody() {
        if (contentLength >= 0) {
            long total = frameBytes + contentLength + 1L;
            if (total > limits.maxFrameBytes()) {
                throw new StompProtocolException("frame too large: " + total
                        + " bytes, the limit is " + limits.maxFrameBytes());
            }
            state = State.FIXED_BODY;
        } else {
            scanned = 0;
            state = State.BODY_TO_NUL;
        }
    }

    private Object readFixedBody(ByteBuf in) {
        // The whole body is buffered before it is copied once; startBody() bounded it by maxFrameBytes.
        if (in.readableBytes() < contentLength + 1) {
            return null;
        }
        byte[] body = new byte[contentLength];
        in.readBytes(body);
        if (in.readByte() != NUL) {
            throw new StompProtocolException("expected NUL after content-length bytes");
        }
        return finishFrame(body);
    }

    private Object readBodyToNul(ByteBuf in) {
        int from = in.readerIndex() + scanned;
        int nul = in.forEachByte(from, in.writerIndex() - from, ByteProcessor.FIND_NUL);
        if (nul < 0) {
            scanned = in.readableBytes();
            checkFrameSoFar(frameBytes + scanned + 1);
            return null;
        }
        int length = nul - in.readerIndex();
        long total = frameBytes + length + 1;
        if (total > limits.maxFrameBytes()) {
            throw new StompProtocolException("frame too large: " + total
                    + " bytes, the limit is " + limits.maxFrameBytes());
        }
        byte[] body = new byte[length];
        in.readBytes(body);
        in.skipBytes(1);
        return finishFrame(body);
    }

    private StompFrame finishFrame(byte[] body) {
        StompFrame frame = StompFrame.decoded(command, Arrays.copyOf(headers, headerSlots), body);
        resetFrame();
        state = State.IDLE;
        return frame;
    }

    private void resetFrame() {
        scanned = 0;
        frameBytes = 0;
        command = null;
        escaping = null;
        if (headers.length > 64) {
            headers = new String[16]; // one frame with many headers does not keep a big array for the connection
        } else {
            Arrays.fill(headers, 0, headerSlots, null);
        }
        headerSlots = 0;
        contentLength = -1;
    }

    /**
     * Digits only: no sign, no spaces (values are never trimmed). A value too big for an int is
     * necessarily over maxFrameBytes, so it is reported as a size problem rather than a syntax one.
     */
    private int parseContentLength(String value) {
        if (value.isEmpty()) {
            throw new StompProtocolException("invalid content-length: empty");
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new StompProtocolException("invalid content-length: not a non-negative decimal integer");
            }
            if (n <= Integer.MAX_VALUE) {
                n = n * 10 + (c - '0');
            }
        }
        if (n > limits.maxFrameBytes()) {
            String shown = n > Integer.MAX_VALUE ? "more than " + Integer.MAX_VALUE : Long.toString(n);
            throw new StompProtocolException("frame too large: content-length is " + shown
                    + " bytes, the limit is " + limits.maxFrameBytes());
        }
        return (int) n;
    }

    /**
     * The unescaped string of {@code length} octets at {@code index}: the one made for the same octets in a recent
     * frame if there was one, which saves decoding a producer's repeated destination and header names again.
     */
    private String recentOrDecode(ByteBuf in, int index, int length, String what) {
        String s = recent.lookup(in, index, length);
        if (s == null) {
            s = escaping.unescape(utf8(in, index, length, what));
            if (!command.equals("CONNECT") && !command.equals("STOMP")) {
                // Not a CONNECT's: its values (a passcode) are seen once and are not kept for the connection's life.
                recent.remember(length, s);
            }
        }
        return s;
    }

    private static String utf8(ByteBuf in, int index, int length, String what) {
        if (length == 0) {
            return "";
        }
        if (!ByteBufUtil.isText(in, index, length, StandardCharsets.UTF_8)) {
            throw new StompProtocolException(what + " is not valid UTF-8");
        }
        return in.toString(index, length, StandardCharsets.UTF_8);
    }
}
