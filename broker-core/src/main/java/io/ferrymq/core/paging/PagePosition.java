package io.ferrymq.core.paging;

import java.nio.ByteBuffer;

/**
 * A place in a queue's page files: the file, the offset of the next unread message, and how many records of
 * the file come before it ({@code record}; -1 when not known, as in a cursor stored by an earlier version).
 * The record index is what survives an HA failover: the pair's members lay a mirrored page file out each in
 * its own way (sealed with its own key, or plain), so an offset of one member is no place in the other's
 * copy, but the n-th record is the same message in both.
 */
public record PagePosition(long file, long offset, long record) {

    public static final PagePosition START = new PagePosition(0, 0, 0);

    /** A position at {@code offset}; at a file's start it is before the file's first record. */
    public PagePosition(long file, long offset) {
        this(file, offset, offset == 0 ? 0 : -1);
    }

    public byte[] encode() {
        if (record < 0) {
            return ByteBuffer.allocate(16).putLong(file).putLong(offset).array();
        }
        return ByteBuffer.allocate(24).putLong(file).putLong(offset).putLong(record).array();
    }

    /** Reads {@link #encode}'s bytes: 24, or 16 (without the record index) as stored by earlier versions. */
    public static PagePosition decode(byte[] b) {
        if (b == null || b.length != 16 && b.length != 24) {
            throw new IllegalArgumentException("a page position is 16 or 24 bytes");
        }
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new PagePosition(bb.getLong(), bb.getLong(), b.length == 24 ? bb.getLong() : -1);
    }

    /** The position of the record after this one, {@code length} bytes further. */
    PagePosition next(long length) {
        return new PagePosition(file, offset + length, record < 0 ? -1 : record + 1);
    }

    boolean before(PagePosition o) {
        return file < o.file || file == o.file && offset < o.offset;
    }
}
