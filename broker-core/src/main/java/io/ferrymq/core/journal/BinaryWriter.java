package io.ferrymq.core.journal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/** A growable big-endian byte buffer for encoding records: the journal's and the page files' own format. */
final class BinaryWriter {

    private byte[] buf;
    private int pos;

    BinaryWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    int position() {
        return pos;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    /** The bytes written so far, without copying; valid until the next write. */
    byte[] array() {
        return buf;
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    void putByte(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    void putInt(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    void putIntAt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    void putBoolean(boolean v) {
        putByte(v ? 1 : 0);
    }

    void putBytes(byte[] b) {
        putInt(b.length);
        putRaw(b, 0, b.length);
    }

    void putRaw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    /** A string that may be null: length -1 marks null. */
    void putString(String s) {
        if (s == null) {
            putInt(-1);
            return;
        }
        putBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A typed value as message properties and declaration arguments hold them. */
    void putValue(Object v) {
        if (v == null) {
            putByte(ValueTag.NULL);
        } else if (v instanceof String s) {
            putByte(ValueTag.STRING);
            putString(s);
        } else if (v instanceof Boolean b) {
            putByte(ValueTag.BOOLEAN);
            putBoolean(b);
        } else if (v instanceof Byte b) {
            putByte(ValueTag.BYTE);
            putByte(b);
        } else if (v instanceof Short s) {
            putByte(ValueTag.SHORT);
            putInt(s);
        } else if (v instanceof Integer i) {
            putByte(ValueTag.INT);
            putInt(i);
        } else if (v instanceof Long l) {
            putByte(ValueTag.LONG);
            putLong(l);
        } else if (v instanceof Float f) {
            putByte(ValueTag.FLOAT);
            putInt(Float.floatToRawIntBits(f));
        } else if (v instanceof Double d) {
            putByte(ValueTag.DOUBLE);
            putLong(Double.doubleToRawLongBits(d));
        } else if (v instanceof Character c) {
            putByte(ValueTag.CHAR);
            putInt(c);
        } else if (v instanceof byte[] b) {
            putByte(ValueTag.BYTES);
            putBytes(b);
        } else {
            // Declaration arguments from richer type systems (AMQP 0-9-1 tables) keep their text.
            putByte(ValueTag.STRING);
            putString(v.toString());
        }
    }

    void putMap(Map<String, Object> m) {
        putInt(m.size());
        for (Map.Entry<String, Object> e : m.entrySet()) {
            putString(e.getKey());
            putValue(e.getValue());
        }
    }
}
