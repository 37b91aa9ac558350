package io.ferrymq.core.paging;

import java.nio.ByteBuffer;

/** A place in a queue's page files: the file and the offset of the next unread message. */
public record PagePosition(long file, long offset) {

    public static final PagePosition START = new PagePosition(0, 0);

    public byte[] encode() {
        return ByteBuffer.allocate(16).putLong(file).putLong(offset).array();
    }

    public static PagePosition decode(byte[] b) {
        if (b == null || b.length != 16) {
            throw new IllegalArgumentException("a page position is 16 bytes");
        }
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new PagePosition(bb.getLong(), bb.getLong());
    }

    boolean before(PagePosition o) {
        return file < o.file || file == o.file && offset < o.offset;
    }
}
