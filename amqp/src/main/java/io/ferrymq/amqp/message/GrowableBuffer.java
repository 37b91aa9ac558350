package io.ferrymq.amqp.message;

import org.apache.qpid.proton.codec.ReadableBuffer;
import org.apache.qpid.proton.codec.WritableBuffer;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** A {@link WritableBuffer} over a byte array that grows as Proton's encoder writes into it. */
public final class GrowableBuffer implements WritableBuffer {

    private byte[] bytes;
    private int position;
    private int size;

    public GrowableBuffer(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int more) {
        int needed = position + more;
        if (needed < 0) {
            throw new IllegalStateException("an encoded AMQP message cannot exceed 2 GiB");
        }
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
        }
    }

    private void moved() {
        if (position > size) {
            size = position;
        }
    }

    @Override
    public void put(byte b) {
        ensure(1);
        bytes[position++] = b;
        moved();
    }

    @Override
    public void putFloat(float f) {
        putInt(Float.floatToRawIntBits(f));
    }

    @Override
    public void putDouble(double d) {
        putLong(Double.doubleToRawLongBits(d));
    }

    @Override
    public void put(byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, bytes, position, length);
        position += length;
        moved();
    }

    @Override
    public void putShort(short s) {
        ensure(2);
        bytes[position++] = (byte) (s >> 8);
        bytes[position++] = (byte) s;
        moved();
    }

    @Override
    public void putInt(int i) {
        ensure(4);
        bytes[position++] = (byte) (i >> 24);
        bytes[position++] = (byte) (i >> 16);
        bytes[position++] = (byte) (i >> 8);
        bytes[position++] = (byte) i;
        moved();
    }

    @Override
    public void putLong(long l) {
        putInt((int) (l >> 32));
        putInt((int) l);
    }

    @Override
    public boolean hasRemaining() {
        return true;
    }

    @Override
    public void ensureRemaining(int requiredRemaining) {
        ensure(requiredRemaining);
    }

    @Override
    public int remaining() {
        return Integer.MAX_VALUE - position;
    }

    @Override
    public int position() {
        return position;
    }

    @Override
    public void position(int p) {
        ensure(Math.max(0, p - position));
        position = p;
        moved();
    }

    @Override
    public void put(ByteBuffer payload) {
        int n = payload.remaining();
        ensure(n);
        payload.get(bytes, position, n);
        position += n;
        moved();
    }

    @Override
    public void put(ReadableBuffer payload) {
        int n = payload.remaining();
        ensure(n);
        payload.get(bytes, position, n);
        position += n;
        moved();
    }

    @Override
    public int limit() {
        return Integer.MAX_VALUE;
    }

    /** The bytes written so far, as a new array of exactly that length. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    public int size() {
        return size;
    }
}
