package io.ferrymq.core.journal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads a segment's entries in order, checking each one's length, sequence number and CRC. */
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
    private long position = Segment.FILE_HEADER;

    EntryReader(Path path, long expectedId) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
        ByteBuffer header = ByteBuffer.allocate(Segment.FILE_HEADER);
        readFully(header, 0);
        header.flip();
        int magic = header.getInt();
        int version = header.getInt();
        long id = header.getLong();
        if (magic != Segment.MAGIC || version != Segment.VERSION || id != expectedId) {
            channel.close();
            throw new IOException(path + " is not a FerryMQ journal segment of format " + Segment.VERSION
                    + " with id " + expectedId + " (magic " + Integer.toHexString(magic) + ", version " + version
                    + ", id " + id + ")");
        }
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
        if (length < Entry.HEADER - 4 || position + 4 + length > size) {
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
        byte[] payload = new byte[entry.length - Entry.HEADER];
        System.arraycopy(entry, Entry.HEADER, payload, 0, payload.length);
        ReadEntry e = new ReadEntry(position, seq, entry[16], payload);
        position = claimedEnd;
        return e;
    }

    /** Moves past a bad entry whose length was plausible (skip-corrupt mode). */
    void skipTo(long newPosition) {
        position = newPosition;
    }

    /** Whether every byte from {@code from} to the end of the file is zero: nothing was written there. */
    boolean zeroFrom(long from) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long p = Math.max(from, Segment.FILE_HEADER);
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
