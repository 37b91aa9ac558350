package io.ferrymq.core.journal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads a segment's entries in order, checking each one's length, sequence number and CRC, and in an
 * encrypted segment its GCM tag (a failing tag is damage like a failing CRC: cut off as a torn write at the
 * very end, reported as corruption anywhere else).
 */
final class EntryReader implements AutoCloseable {

    /** An entry as read: where it starts, its sequence number, kind and record bytes. */
    record ReadEntry(long position, long seq, byte kind, byte[] payload) {
        long end() {
            return position + Entry.HEADER + payload.length;
        }
    }

    /** Bytes that are not a valid entry at {@code position}. */
    static final class BadEntry extends Exception {
        final long position;
        /** How far a plausible length says the bad entry extends; -1 when the length itself is implausible. */
        final long claimedEnd;

        BadEntry(long position, long claimedEnd, String reason) {
            super(reason, null, false, false);
            this.position = position;
            this.claimedEnd = claimedEnd;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final SegmentCipher cipher;
    private final int dataStart;
    private long position;

    EntryReader(Path path, long expectedId) throws IOException {
        this(path, expectedId, null);
    }

    /**
     * @param key the configured at-rest key, null for none: an encrypted segment then fails with
     *            {@link io.ferrymq.core.atrest.WrongKeyException}, as it does when written with another key
     */
    EntryReader(Path path, long expectedId, io.ferrymq.core.atrest.AtRestKey key) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
        ByteBuffer header = ByteBuffer.allocate(Segment.FILE_HEADER);
        readFully(header, 0);
        header.flip();
        int magic = header.getInt();
        int version = header.getInt();
        long id = header.getLong();
        if (magic != Segment.MAGIC || (version != Segment.VERSION && version != Segment.VERSION_ENCRYPTED)
                || id != expectedId) {
            channel.close();
            throw new IOException(path + " is not a FerryMQ journal segment of format " + Segment.VERSION + " or "
                    + Segment.VERSION_ENCRYPTED + " with id " + expectedId + " (magic " + Integer.toHexString(magic)
                    + ", version " + version + ", id " + id + ")");
        }
        if (version == Segment.VERSION_ENCRYPTED) {
            ByteBuffer keyHeader = ByteBuffer.allocate(Segment.ENCRYPTED_HEADER - Segment.FILE_HEADER);
            try {
                readFully(keyHeader, Segment.FILE_HEADER);
                cipher = SegmentCipher.forSegment(key, path, keyHeader.array());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            dataStart = Segment.ENCRYPTED_HEADER;
        } else {
            cipher = null;
            dataStart = Segment.FILE_HEADER;
        }
        position = dataStart;
    }

    /** Null for a plain segment. */
    SegmentCipher cipher() {
        return cipher;
    }

    long position() {
        return position;
    }

    long size() {
        return size;
    }

    /**
     * The next entry, or null at the end of the data (a zero length field or the end of the file).
     *
     * @param expectedSeq the sequence number the entry must carry; -1 to accept any (the first entry)
     */
    ReadEntry next(long expectedSeq) throws IOException, BadEntry {
        if (position + 4 > size) {
            return null;
        }
        ByteBuffer len = ByteBuffer.allocate(4);
        readFully(len, position);
        int length = len.flip().getInt();
        if (length == 0) {
            return null;
        }
        int tag = cipher == null ? 0 : SegmentCipher.TAG;
        if (length < Entry.HEADER - 4 + tag || position + 4 + length > size) {
            throw new BadEntry(position, -1, "entry length " + length + " does not fit the file");
        }
        byte[] entry = new byte[4 + length];
        readFully(ByteBuffer.wrap(entry), position);
        long claimedEnd = position + entry.length;
        int crc = Entry.getInt(entry, 4);
        if (crc != Entry.crc(entry, 8, entry.length - 8)) {
            throw new BadEntry(position, claimedEnd, "CRC mismatch");
        }
        long seq = Entry.getLong(entry, 8);
        if (expectedSeq >= 0 && seq != expectedSeq) {
            throw new BadEntry(position, claimedEnd, "sequence number " + seq + " where " + expectedSeq + " was expected");
        }
        byte[] payload;
        if (cipher != null) {
            try {
                payload = cipher.open(position, entry);
            } catch (javax.crypto.AEADBadTagException e) {
                throw new BadEntry(position, claimedEnd, "authentication tag mismatch: the encrypted entry was altered"
                        + " or moved");
            }
        } else {
            payload = new byte[entry.length - Entry.HEADER];
            System.arraycopy(entry, Entry.HEADER, payload, 0, payload.length);
        }
        ReadEntry e = new ReadEntry(position, seq, entry[16], payload);
        position = claimedEnd;
        return e;
    }

    /** Moves to where {@link #resync} found the next intact entry (skip-corrupt mode). */
    void skipTo(long newPosition) {
        position = newPosition;
    }

    /**
     * Where the next intact entry starts at or after {@code from}: one whose length fits the file, whose kind
     * is known, whose sequence number can follow the damage and whose CRC checks out. A damaged length field
     * says nothing about where the next entry starts, so every offset is tried; the cheap header checks reject
     * almost all of them before a CRC is computed.
     *
     * @param minSeq      the sequence number the damaged entry should have had; -1 when unknown
     * @param lostBefore  bytes of damage already skipped before {@code from} (in earlier segments), which
     *                    widen how far the sequence may have moved on
     * @return the offset, or -1 when no intact entry follows in this file
     */
    long resync(long from, long minSeq, long lostBefore) throws IOException {
        long start = Math.max(from, dataStart);
        if (start + Entry.HEADER > size) {
            return -1;
        }
        // Mapped, not read: a damaged region can be the rest of a large segment, and recovery runs in bounded heap.
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, start,
                Math.min(size - start, Integer.MAX_VALUE));
        int limit = map.capacity();
        for (int p = 0; p + Entry.HEADER <= limit; p++) {
            int length = map.getInt(p);
            if (length < Entry.HEADER - 4 || (long) p + 4 + length > limit) {
                continue;
            }
            byte kind = map.get(p + 16);
            if (kind != Entry.KIND_RECORDS && kind != Entry.KIND_CLEAN_SHUTDOWN) {
                continue;
            }
            long seq = map.getLong(p + 8);
            // Every entry takes at least a header, which bounds how many the damage can have swallowed.
            long maxSeq = minSeq < 0 ? Long.MAX_VALUE
                    : minSeq + (lostBefore + start + p - from + 1) / Entry.HEADER + 1;
            if (seq < Math.max(1, minSeq) || seq > maxSeq) {
                continue;
            }
            CRC32C crc = new CRC32C();
            crc.update(map.slice(p + 8, length - 4));
            if ((int) crc.getValue() == map.getInt(p + 4)) {
                return start + p;
            }
        }
        return -1;
    }

    /** Where the non-zero bytes after {@code from} end: what a damaged region that runs to the end occupies. */
    long endOfData(long from) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long end = from;
        long p = Math.max(from, dataStart);
        while (p < size) {
            buf.clear().limit((int) Math.min(buf.capacity(), size - p));
            readFully(buf, p);
            buf.flip();
            for (int i = 0; i < buf.limit(); i++) {
                if (buf.get(i) != 0) {
                    end = p + i + 1;
                }
            }
            p += buf.limit();
        }
        return end;
    }

    /** Whether every byte from {@code from} to the end of the file is zero: nothing was written there. */
    boolean zeroFrom(long from) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long p = Math.max(from, dataStart);
        while (p < size) {
            buf.clear().limit((int) Math.min(buf.capacity(), size - p));
            readFully(buf, p);
            buf.flip();
            while (buf.hasRemaining()) {
                if (buf.get() != 0) {
                    return false;
                }
            }
            p += buf.limit();
        }
        return true;
    }

    private void readFully(ByteBuffer b, long at) throws IOException {
        long p = at;
        while (b.hasRemaining()) {
            int n = channel.read(b, p);
            if (n < 0) {
                throw new EOFException("unexpected end of " + path + " at " + p);
            }
            p += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
