package io.ferrymq.core.journal;

import java.util.Arrays;

/** A growable big-endian heap buffer for encoding records: the page files' format, compaction and snapshots. */
final class BinaryWriter implements RecordOutput {

    private byte[] buf;
    private int pos;

    BinaryWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    @Override
    public int position() {
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

    @Override
    public void putByte(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    @Override
    public void putInt(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    @Override
    public void putIntAt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    @Override
    public void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    @Override
    public void putRaw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }
}
