package io.ferrymq.openwire;

import org.apache.activemq.util.ByteSequence;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a message's marshalled properties (activemq-client's primitive map: a count, then each name and its typed
 * value) straight from the received bytes, for the common case of ASCII names and strings and primitive values.
 * {@code Message.getProperties()} reads the same bytes through a DataInputStream into a HashMap of lazily decoded
 * UTF-8 buffers, each decoded again when the core message takes it: three copies of every property per send.
 * Anything else (other text, byte arrays, nested maps and lists, a malformed map) is left to activemq-client.
 */
final class MarshalledProperties {

    private static final byte NULL = 0;
    private static final byte BOOLEAN = 1;
    private static final byte BYTE = 2;
    private static final byte CHAR = 3;
    private static final byte SHORT = 4;
    private static final byte INTEGER = 5;
    private static final byte LONG = 6;
    private static final byte DOUBLE = 7;
    private static final byte FLOAT = 8;
    private static final byte STRING = 9;

    private final byte[] data;
    private final int end;
    private int at;

    private MarshalledProperties(ByteSequence bytes) {
        this.data = bytes.getData();
        this.at = bytes.getOffset();
        this.end = bytes.getOffset() + bytes.getLength();
    }

    /**
     * The properties in {@code marshalled}, in their marshalled order, or null when they need activemq-client's
     * own reading.
     */
    static List<Map.Entry<String, Object>> read(ByteSequence marshalled) {
        if (marshalled == null || marshalled.getData() == null) {
            return null;
        }
        return new MarshalledProperties(marshalled).readAll();
    }

    private List<Map.Entry<String, Object>> readAll() {
        if (!has(4)) {
            return null;
        }
        int count = readInt();
        // Each property takes at least 3 bytes (an empty name and a type).
        if (count < 0 || count > (end - at) / 3) {
            return null;
        }
        List<Map.Entry<String, Object>> properties = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = ascii();
            if (name == null || !has(1)) {
                return null;
            }
            Object value;
            byte type = data[at++];
            switch (type) {
                case NULL -> value = null;
                case BOOLEAN -> value = has(1) ? data[at++] != 0 : FAIL;
                case BYTE -> value = has(1) ? data[at++] : FAIL;
                case CHAR -> value = has(2) ? (char) readShort() : FAIL;
                case SHORT -> value = has(2) ? readShort() : FAIL;
                case INTEGER -> value = has(4) ? readInt() : FAIL;
                case LONG -> value = has(8) ? readLong() : FAIL;
                case DOUBLE -> value = has(8) ? Double.longBitsToDouble(readLong()) : FAIL;
                case FLOAT -> value = has(4) ? Float.intBitsToFloat(readInt()) : FAIL;
                case STRING -> {
                    String s = ascii();
                    value = s == null ? FAIL : s;
                }
                default -> value = FAIL;
            }
            if (value == FAIL) {
                return null;
            }
            properties.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
        }
        return at == end ? properties : null;
    }

    /** Marks a value that cannot be read here. */
    private static final Object FAIL = new Object();

    /** A 2-byte length and that many ASCII characters, or null for anything else. */
    private String ascii() {
        if (!has(2)) {
            return null;
        }
        int length = readShort() & 0xFFFF;
        if (!has(length)) {
            return null;
        }
        for (int i = at; i < at + length; i++) {
            // Modified UTF-8 and UTF-8 agree on 1 to 127 only.
            if (data[i] <= 0) {
                return null;
            }
        }
        String s = new String(data, at, length, StandardCharsets.ISO_8859_1);
        at += length;
        return s;
    }

    private boolean has(int n) {
        return n >= 0 && end - at >= n;
    }

    private short readShort() {
        short v = (short) (((data[at] & 0xFF) << 8) | (data[at + 1] & 0xFF));
        at += 2;
        return v;
    }

    private int readInt() {
        int v = ((data[at] & 0xFF) << 24) | ((data[at + 1] & 0xFF) << 16) | ((data[at + 2] & 0xFF) << 8)
                | (data[at + 3] & 0xFF);
        at += 4;
        return v;
    }

    private long readLong() {
        long hi = readInt() & 0xFFFFFFFFL;
        long lo = readInt() & 0xFFFFFFFFL;
        return (hi << 32) | lo;
    }
}
