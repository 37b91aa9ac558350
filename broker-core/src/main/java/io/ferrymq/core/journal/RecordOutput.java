package io.ferrymq.core.journal;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Where {@link RecordCodec} and {@link MessageCodec} encode to, big-endian: a heap {@link BinaryWriter} (page
 * files, compaction, snapshots) or the journal writer's reused {@link BatchBuffer}, so that records are encoded
 * once, straight into the bytes that go to disk.
 */
interface RecordOutput {

    int position();

    void putByte(int v);

    void putInt(int v);

    /** Overwrites four bytes already written (a length known only once what follows it is written). */
    void putIntAt(int at, int v);

    void putLong(long v);

    void putRaw(byte[] b, int off, int len);

    default void putBoolean(boolean v) {
        putByte(v ? 1 : 0);
    }

    default void putBytes(byte[] b) {
        putInt(b.length);
        putRaw(b, 0, b.length);
    }

    /** A string that may be null: length -1 marks null. */
    default void putString(String s) {
        if (s == null) {
            putInt(-1);
            return;
        }
        putBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A typed value as message properties and declaration arguments hold them. */
    default void putValue(Object v) {
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

    default void putMap(Map<String, Object> m) {
        putInt(m.size());
        // forEach rather than entrySet(): an unmodifiable map's entry iterator wraps every entry in a new object.
        m.forEach((k, v) -> {
            putString(k);
            putValue(v);
        });
    }
}
