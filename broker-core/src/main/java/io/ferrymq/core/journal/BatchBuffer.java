package io.ferrymq.core.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;

/**
 * The journal writer's one reused direct buffer: each batch's records are encoded straight into it as a framed
 * {@link Entry} (no intermediate array, the message body copied once), and the buffered entries reach their
 * segment in one channel write. Owned by the writer thread.
 *
 * <p>Its bytes are two parts: entries already <em>placed</em> (given their position in the current segment,
 * waiting for {@link #writeTo}) and, after them, the entry being encoded, which can still move to another
 * segment or be dropped.
 */
final class BatchBuffer implements RecordOutput {

    private final int defaultCapacity;
    private final CRC32C crc = new CRC32C();
    private final BiConsumer<String, Object> property = (k, v) -> {
        putString(k);
        putValue(v);
    };
    private ByteBuffer buf;
    private int placed;

    BatchBuffer(int capacity) {
        this.defaultCapacity = capacity;
        this.buf = ByteBuffer.allocateDirect(capacity);
    }

    // ------------------------------------------------------------------ entries

    /** Starts an entry after what is placed: its header is filled in by {@link #finishEntry}. */
    int beginEntry() {
        if (buf.position() != placed) {
            throw new IllegalStateException("an entry is already being encoded");
        }
        ensure(Entry.HEADER);
        buf.position(placed + Entry.HEADER);
        return placed;
    }

    /** Frames the entry begun at {@code start}: length, sequence, kind and the CRC. @return its size */
    int finishEntry(int start, long seq, byte kind) {
        int end = buf.position();
        int size = end - start;
        buf.putInt(start, size - 4);
        buf.putLong(start + 8, seq);
        buf.put(start + 16, kind);
        crc.reset();
        buf.position(start + 8).limit(end);
        crc.update(buf);
        buf.limit(buf.capacity()).position(end);
        buf.putInt(start + 4, (int) crc.getValue());
        return size;
    }

    /**
     * Encrypts the entry being encoded (framed plain by {@link #finishEntry}) for its place at {@code position}
     * in an encrypted segment: payload sealed in place, tag appended, length and CRC redone.
     *
     * @return its size as sealed
     */
    int sealEntry(SegmentCipher cipher, long position) {
        ensure(SegmentCipher.TAG);
        int size = cipher.seal(position, buf, placed, buf.position() - placed);
        buf.position(placed + size);
        return size;
    }

    /** Gives the entry being encoded its place: it is written with the next {@link #writeTo}. */
    void place() {
        placed = buf.position();
    }

    /** Drops the entry being encoded (it could not be written, or could not be encoded). */
    void dropUnplaced() {
        buf.position(placed);
    }

    /** Bytes of placed entries, not yet written. */
    int placed() {
        return placed;
    }

    /** Bytes of the entry being encoded. */
    int unplaced() {
        return buf.position() - placed;
    }

    /** Copies bytes {@code [from, from + length)} (an entry for the replicator) into {@code dest} at {@code at}. */
    void copyTo(int from, int length, byte[] dest, int at) {
        buf.get(from, dest, at, length);
    }

    /**
     * Writes the placed entries at {@code at}, then moves the entry being encoded (if any) to the start. This is
     * the one place the journal's batches reach a segment file.
     */
    void writeTo(FileChannel channel, long at) throws IOException {
        int end = buf.position();
        buf.position(0).limit(placed);
        long p = at;
        try {
            while (buf.hasRemaining()) {
                p += channel.write(buf, p);
            }
        } finally {
            buf.limit(buf.capacity()).position(end);
        }
        if (end > placed) {
            buf.position(placed).limit(end);
            buf.compact();
            buf.limit(buf.capacity()).position(end - placed);
        } else {
            buf.position(0);
        }
        placed = 0;
    }

    /** Writes the entry being encoded alone at {@code at} (an entry that grows its file), and drops it from here. */
    void writeUnplacedTo(FileChannel channel, long at) throws IOException {
        int end = buf.position();
        buf.position(placed).limit(end);
        long p = at;
        try {
            while (buf.hasRemaining()) {
                p += channel.write(buf, p);
            }
        } finally {
            buf.limit(buf.capacity()).position(placed);
        }
    }

    /** Gives back the memory of an unusually large batch once it is written. */
    void shrinkIfEmpty() {
        if (buf.position() == 0 && buf.capacity() > defaultCapacity) {
            buf = ByteBuffer.allocateDirect(defaultCapacity);
        }
    }

    private void ensure(int n) {
        if (buf.remaining() < n) {
            long wanted = Math.max((long) buf.capacity() * 2, (long) buf.position() + n);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a journal entry cannot exceed 2 GiB");
            }
            ByteBuffer bigger = ByteBuffer.allocateDirect((int) wanted);
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }

    // ------------------------------------------------------------------ RecordOutput

    @Override
    public int position() {
        return buf.position();
    }

    @Override
    public void putByte(int v) {
        ensure(1);
        buf.put((byte) v);
    }

    @Override
    public void putInt(int v) {
        ensure(4);
        buf.putInt(v);
    }

    @Override
    public void putIntAt(int at, int v) {
        buf.putInt(at, v);
    }

    @Override
    public void putLong(long v) {
        ensure(8);
        buf.putLong(v);
    }

    @Override
    public void putRaw(byte[] b, int off, int len) {
        ensure(len);
        buf.put(b, off, len);
    }

    /** ASCII, by far the common case, is written char by char without an intermediate array. */
    @Override
    public void putString(String s) {
        if (s == null) {
            putInt(-1);
            return;
        }
        int n = s.length();
        ensure(4 + n);
        int at = buf.position();
        buf.putInt(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                buf.position(at);
                putBytes(s.getBytes(StandardCharsets.UTF_8));
                return;
            }
            buf.put((byte) c);
        }
    }

    @Override
    public void putMap(Map<String, Object> m) {
        putInt(m.size());
        m.forEach(property);
    }
}
