package io.ferrymq.core.journal;

import java.util.zip.CRC32C;

/**
 * The journal's unit of atomicity: one appended batch of records.
 * <pre>
 *  0 int   length of what follows the length field
 *  4 int   CRC32C of bytes 8..end
 *  8 long  sequence number (consecutive across segments)
 * 16 byte  kind
 * 17 ...   records, each [type:1][length:4][body]
 * </pre>
 */
final class Entry {

    static final int HEADER = 17;
    static final byte KIND_RECORDS = 0;
    static final byte KIND_CLEAN_SHUTDOWN = 1;

    private Entry() {
    }

    /** The complete entry bytes for a payload. */
    static byte[] frame(long seq, byte kind, byte[] payload, int payloadLength) {
        byte[] out = new byte[HEADER + payloadLength];
        int length = out.length - 4;
        putInt(out, 0, length);
        putLong(out, 8, seq);
        out[16] = kind;
        System.arraycopy(payload, 0, out, HEADER, payloadLength);
        putInt(out, 4, crc(out, 8, out.length - 8));
        return out;
    }

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }

    static int getInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    static long getLong(byte[] b, int at) {
        return ((long) getInt(b, at) << 32) | (getInt(b, at + 4) & 0xffffffffL);
    }
}
