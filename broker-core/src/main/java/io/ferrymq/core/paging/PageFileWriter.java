package io.ferrymq.core.paging;

import io.ferrymq.core.atrest.AtRestKey;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a copy of another node's page file (an HA standby's mirror) in this node's own layout: the records
 * come in plain form ({@link PageReplicator#written}) and are sealed with this node's key, or written as they
 * are without one. The copy holds the same records in the same order as the original, so a page cursor finds
 * its place in it by record index ({@link PagePosition#record()}). Used by one thread.
 */
public final class PageFileWriter implements AutoCloseable {

    private static final int RECORD_HEADER = 9;

    private final Path file;
    private final FileChannel channel;
    /** Null when this node keeps its page files plain. */
    private final PageCipher cipher;
    private long size;
    private long records;

    private PageFileWriter(Path file, FileChannel channel, PageCipher cipher) {
        this.file = file;
        this.channel = channel;
        this.cipher = cipher;
    }

    /** Creates (or replaces) {@code file}, sealed with {@code key} when it is not null. */
    public static PageFileWriter create(Path file, AtRestKey key) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        PageFileWriter w = new PageFileWriter(file, ch, key == null ? null : PageCipher.forNewFile(key));
        if (w.cipher != null) {
            w.write(ByteBuffer.wrap(w.cipher.header()));
        }
        return w;
    }

    /** The records the copy holds. */
    public long records() {
        return records;
    }

    /**
     * Appends plain records, the first of which is the file's {@code first}-th; those the copy holds already are
     * skipped (a resync may send a record twice).
     *
     * @throws IOException when the records do not follow those the copy holds, or are not whole records
     */
    public void append(long first, byte[] plain) throws IOException {
        if (first > records) {
            throw new IOException("page file copy " + file + " holds " + records + " record(s): cannot append record "
                    + first);
        }
        ByteBuffer in = ByteBuffer.wrap(plain);
        long index = first;
        int p = 0;
        int run = -1;
        while (p < plain.length) {
            int length = p + 8 <= plain.length ? in.getInt(p) : -1;
            if (length < 1 || p + 8L + length > plain.length) {
                throw new IOException("page file copy " + file + ": record " + index + " is not whole");
            }
            int end = p + 8 + length;
            if (index >= records) {
                if (cipher == null) {
                    run = run < 0 ? p : run;
                } else {
                    byte[] record = new byte[end - p + PageCipher.TAG];
                    System.arraycopy(plain, p, record, 0, end - p);
                    cipher.seal(size, record, RECORD_HEADER);
                    write(ByteBuffer.wrap(record));
                }
                records++;
            }
            index++;
            p = end;
        }
        if (run >= 0) {
            // A plain copy is the original's bytes: the new records go in one write.
            write(ByteBuffer.wrap(plain, run, plain.length - run));
        }
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            size += channel.write(b, size);
        }
    }

    public void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
