package io.ferrymq.amqp;

import io.netty.buffer.ByteBuf;

/**
 * The 8-byte protocol headers of AMQP 1.0 (part 2.2 and 5.3.1): {@code AMQP} followed by a protocol id
 * (0 for AMQP, 2 for TLS, 3 for SASL) and the version 1.0.0.
 */
final class ProtocolHeader {

    static final int LENGTH = 8;
    static final byte[] AMQP = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};
    static final byte[] SASL = {'A', 'M', 'Q', 'P', 3, 1, 0, 0};

    enum Kind {
        /** Plain AMQP: the client skips SASL. */
        AMQP,
        /** SASL negotiation comes first. */
        SASL,
        /** AMQP 1.0 with an in-band TLS layer, or another protocol id: this broker does not offer it. */
        UNSUPPORTED_LAYER,
        /** Not an AMQP 1.0 header at all. */
        GARBAGE,
        /** Too few bytes to tell yet. */
        INCOMPLETE
    }

    private ProtocolHeader() {
    }

    /** Classifies the bytes at the reader index without consuming them. */
    static Kind classify(ByteBuf in) {
        int n = Math.min(in.readableBytes(), LENGTH);
        int at = in.readerIndex();
        for (int i = 0; i < Math.min(n, 4); i++) {
            if (in.getByte(at + i) != AMQP[i]) {
                return Kind.GARBAGE;
            }
        }
        if (n < LENGTH) {
            return Kind.INCOMPLETE;
        }
        if (in.getByte(at + 5) != 1 || in.getByte(at + 6) != 0 || in.getByte(at + 7) != 0) {
            return Kind.GARBAGE;
        }
        return switch (in.getByte(at + 4)) {
            case 0 -> Kind.AMQP;
            case 3 -> Kind.SASL;
            default -> Kind.UNSUPPORTED_LAYER;
        };
    }

    /** Port unification: is this the start of an AMQP 1.0 connection (any of its layers)? */
    static boolean isAmqp10(ByteBuf in) {
        Kind k = classify(in);
        return k == Kind.AMQP || k == Kind.SASL || k == Kind.UNSUPPORTED_LAYER;
    }

    /** Does this start like any AMQP protocol header ({@code AMQP}, whatever version follows)? */
    static boolean isAmqpFamily(ByteBuf in) {
        if (in.readableBytes() < 4) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            if (in.getByte(in.readerIndex() + i) != AMQP[i]) {
                return false;
            }
        }
        return true;
    }

    static String describe(ByteBuf in) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(in.readableBytes(), LENGTH);
        for (int i = 0; i < n; i++) {
            int b = in.getByte(in.readerIndex() + i) & 0xFF;
            if (b >= 0x20 && b < 0x7F) {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        return sb.toString();
    }
}
