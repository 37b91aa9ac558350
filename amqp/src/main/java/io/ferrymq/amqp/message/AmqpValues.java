package io.ferrymq.amqp.message;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Decimal128;
import org.apache.qpid.proton.amqp.Decimal32;
import org.apache.qpid.proton.amqp.Decimal64;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.UnsignedShort;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HexFormat;
import java.util.UUID;

/** Conversions between AMQP's typed values and the core's property values. */
public final class AmqpValues {

    /** Marks a value that has no core equivalent (lists, maps, arrays, described types). */
    public static final Object UNSUPPORTED = new Object();

    private AmqpValues() {
    }

    /**
     * A core property value for an AMQP simple value: unsigned types widen to the next signed type,
     * symbols, UUIDs and decimals become text, timestamps epoch milliseconds, binaries byte arrays.
     *
     * @return {@link #UNSUPPORTED} for compound values
     */
    public static Object toCore(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Byte || v instanceof Short
                || v instanceof Integer || v instanceof Long || v instanceof Float || v instanceof Double
                || v instanceof Character) {
            return v;
        }
        if (v instanceof Binary b) {
            return b.getArray() == null ? new byte[0]
                    : java.util.Arrays.copyOfRange(b.getArray(), b.getArrayOffset(), b.getArrayOffset() + b.getLength());
        }
        if (v instanceof Symbol s) {
            return s.toString();
        }
        if (v instanceof UnsignedByte u) {
            return u.shortValue();
        }
        if (v instanceof UnsignedShort u) {
            return u.intValue();
        }
        if (v instanceof UnsignedInteger u) {
            return u.longValue();
        }
        if (v instanceof UnsignedLong u) {
            return u.longValue() >= 0 ? (Object) u.longValue() : u.toString();
        }
        if (v instanceof Date d) {
            return d.getTime();
        }
        if (v instanceof UUID || v instanceof Decimal32 || v instanceof Decimal64 || v instanceof Decimal128) {
            return v.toString();
        }
        return UNSUPPORTED;
    }

    /** An AMQP value for a core property value. */
    public static Object toAmqp(Object v) {
        if (v instanceof byte[] b) {
            return new Binary(b);
        }
        return v;
    }

    /**
     * The text form of an AMQP message-id or correlation-id (string, ulong, uuid or binary) for the core,
     * which keeps ids as text.
     */
    public static String idToText(Object id) {
        if (id == null) {
            return null;
        }
        if (id instanceof Binary b) {
            return HexFormat.of().formatHex(b.getArray(), b.getArrayOffset(), b.getArrayOffset() + b.getLength());
        }
        return id.toString();
    }

    public static String binaryToText(Binary b) {
        if (b == null) {
            return null;
        }
        return new String(b.getArray(), b.getArrayOffset(), b.getLength(), StandardCharsets.UTF_8);
    }

    public static String symbolText(Symbol s) {
        return s == null ? null : s.toString();
    }

    public static Symbol symbol(String s) {
        return s == null ? null : Symbol.valueOf(s);
    }
}
