package io.ferrymq.stomp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * The header value encoding in force for one frame. Decoder and encoder take the decision here, from
 * the same inputs, so the two directions cannot disagree.
 */
enum HeaderEscaping {
    /** STOMP 1.0, before negotiation, and CONNECT/STOMP/CONNECTED in every version. */
    NONE(false),
    /** STOMP 1.1: {@code \\ \n \c}. */
    V1_1(false),
    /** STOMP 1.2: 1.1 plus {@code \r}. */
    V1_2(true);

    private final boolean carriageReturnEscape;

    HeaderEscaping(boolean carriageReturnEscape) {
        this.carriageReturnEscape = carriageReturnEscape;
    }

    /**
     * CONNECT, its 1.2 alias STOMP, and CONNECTED stay unescaped whatever the version, because they are
     * exchanged before (or while) the version is agreed and must stay readable by 1.0 peers.
     */
    static HeaderEscaping forFrame(StompVersion version, String command) {
        if (version == null || version == StompVersion.V1_0 || isConnectFamily(command)) {
            return NONE;
        }
        return version == StompVersion.V1_1 ? V1_1 : V1_2;
    }

    private static boolean isConnectFamily(String command) {
        return "CONNECT".equals(command) || "STOMP".equals(command) || "CONNECTED".equals(command);
    }

    /** Reverses the wire escaping; undefined sequences are fatal (STOMP 1.2 "Value Encoding"). */
    String unescape(String s) {
        if (this == NONE) {
            return s;
        }
        int backslash = s.indexOf('\\');
        if (backslash < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        sb.append(s, 0, backslash);
        for (int i = backslash; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (i + 1 == s.length()) {
                throw new StompProtocolException("incomplete escape sequence: a header ends with a backslash");
            }
            char next = s.charAt(++i);
            switch (next) {
                case '\\' -> sb.append('\\');
                case 'n' -> sb.append('\n');
                case 'c' -> sb.append(':');
                case 'r' -> {
                    if (!carriageReturnEscape) {
                        throw undefinedEscape(next);
                    }
                    sb.append('\r');
                }
                default -> throw undefinedEscape(next);
            }
        }
        return sb.toString();
    }

    private StompProtocolException undefinedEscape(char next) {
        String version = this == V1_1 ? "1.1" : "1.2";
        String shown = next > 0x20 && next < 0x7f
                ? "\\" + next
                : String.format("backslash followed by U+%04X", (int) next);
        return new StompProtocolException("undefined escape sequence " + shown + " in a header (STOMP " + version + ")");
    }

    private IllegalArgumentException unencodable(boolean isName, String what) {
        String where = this == NONE ? "without header escaping" : this == V1_1 ? "in STOMP 1.1" : "in STOMP 1.2";
        return new IllegalArgumentException("a header " + (isName ? "name" : "value") + " cannot contain "
                + what + " " + where);
    }

    /**
     * Writes {@code s} escaped, checking it as it goes (one pass over the characters). What this encoding cannot
     * carry is refused, since writing it anyway would let a header inject lines into the frame or be read back
     * differently; the caller then discards the frame it was writing.
     */
    void write(ByteBuf out, String s, boolean isName) {
        int start = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            String replacement = null;
            switch (c) {
                case '\0' -> throw unencodable(isName, "a NUL");
                case '\n' -> {
                    if (this == NONE) {
                        throw unencodable(isName, "a line feed");
                    }
                    replacement = "\\n";
                }
                case '\\' -> replacement = this == NONE ? null : "\\\\";
                case '\r' -> {
                    if (!carriageReturnEscape) {
                        // Lenient CRLF decoding would read a trailing CR as part of the EOL.
                        throw unencodable(isName, "a carriage return");
                    }
                    replacement = "\\r";
                }
                case ':' -> {
                    if (this != NONE) {
                        replacement = "\\c";
                    } else if (isName) {
                        throw unencodable(true, "a colon");
                    }
                }
                default -> {
                    if (Character.isSurrogate(c)) {
                        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                            i++;
                        } else {
                            throw unencodable(isName, "an unpaired surrogate");
                        }
                    }
                }
            }
            if (replacement != null) {
                ByteBufUtil.writeUtf8(out, s, start, i);
                ByteBufUtil.writeAscii(out, replacement);
                start = i + 1;
            }
        }
        ByteBufUtil.writeUtf8(out, s, start, s.length());
    }
}
