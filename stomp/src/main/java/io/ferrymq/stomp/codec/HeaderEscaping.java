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

    /**
     * The UTF-8 length of {@code s} once escaped, refusing what this encoding cannot carry: writing it
     * anyway would let a header value inject lines into the frame or be read back differently.
     */
    int encodedLength(String s, boolean isName) {
        int extra = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\0' -> throw unencodable(isName, "a NUL");
                case '\n', '\\' -> {
                    if (this == NONE) {
                        if (c == '\n') {
                            throw unencodable(isName, "a line feed");
                        }
                    } else {
                        extra++;
                    }
                }
                case '\r' -> {
                    if (!carriageReturnEscape) {
                        // Lenient CRLF decoding would read a trailing CR as part of the EOL.
                        throw unencodable(isName, "a carriage return");
                    }
                    extra++;
                }
                case ':' -> {
                    if (this != NONE) {
                        extra++;
                    } else if (isName) {
                        throw unencodable(true, "a colon");
                    }
                }
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        i++;
                    } else if (Character.isSurrogate(c)) {
                        throw unencodable(isName, "an unpaired surrogate");
                    }
                }
            }
        }
        return ByteBufUtil.utf8Bytes(s) + extra;
    }

    private IllegalArgumentException unencodable(boolean isName, String what) {
        String where = this == NONE ? "without header escaping" : this == V1_1 ? "in STOMP 1.1" : "in STOMP 1.2";
        return new IllegalArgumentException("a header " + (isName ? "name" : "value") + " cannot contain "
                + what + " " + where);
    }

    /** Writes {@code s} escaped; {@link #encodedLength} must have accepted it. */
    void write(ByteBuf out, String s) {
        if (this == NONE) {
            ByteBufUtil.writeUtf8(out, s);
            return;
        }
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            String replacement = switch (s.charAt(i)) {
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case ':' -> "\\c";
                case '\r' -> "\\r";
                default -> null;
            };
            if (replacement != null) {
                ByteBufUtil.writeUtf8(out, s, start, i);
                ByteBufUtil.writeAscii(out, replacement);
                start = i + 1;
            }
        }
        ByteBufUtil.writeUtf8(out, s, start, s.length());
    }
}
