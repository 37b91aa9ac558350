package io.ferrymq.core.journal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads what {@link BinaryWriter} wrote; any inconsistency is a {@link MalformedRecordException}. */
final class BinaryReader {

    private final byte[] buf;
    private int pos;
    private final int end;

    BinaryReader(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    int position() {
        return pos;
    }

    boolean hasRemaining() {
        return pos < end;
    }

    private void need(int n) {
        if (n < 0 || pos + n > end) {
            throw new MalformedRecordException("record is truncated: needs " + n + " more bytes at " + pos);
        }
    }

    int getByte() {
        need(1);
        return buf[pos++];
    }

    int getInt() {
        need(4);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    long getLong() {
        return ((long) getInt() << 32) | (getInt() & 0xffffffffL);
    }

    boolean getBoolean() {
        return getByte() != 0;
    }

    byte[] getBytes() {
        int n = getInt();
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    void skip(int n) {
        need(n);
        pos += n;
    }

    String getString() {
        int n = getInt();
        if (n == -1) {
            return null;
        }
        need(n);
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    Object getValue() {
        int tag = getByte();
        return switch (tag) {
            case ValueTag.NULL -> null;
            case ValueTag.STRING -> getString();
            case ValueTag.BOOLEAN -> getBoolean();
            case ValueTag.BYTE -> (byte) getByte();
            case ValueTag.SHORT -> (short) getInt();
            case ValueTag.INT -> getInt();
            case ValueTag.LONG -> getLong();
            case ValueTag.FLOAT -> Float.intBitsToFloat(getInt());
            case ValueTag.DOUBLE -> Double.longBitsToDouble(getLong());
            case ValueTag.CHAR -> (char) getInt();
            case ValueTag.BYTES -> getBytes();
            default -> throw new MalformedRecordException("unknown value tag " + tag);
        };
    }

    Map<String, Object> getMap() {
        int n = getInt();
        if (n < 0) {
            throw new MalformedRecordException("negative map size " + n);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(getString(), getValue());
        }
        return m;
    }
}
