package io.ferrymq.core.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One journal file. It starts with a 16-byte header (magic, format version, segment id) and is
 * zero-filled to its full size when created, so the first zero length field marks the end of the data
 * and fsync never has to update file-size metadata. An encrypted segment (format 2) has the key id and
 * salt of its {@link SegmentCipher} after that, and its entries start at {@link #ENCRYPTED_HEADER}.
 */
final class Segment implements AutoCloseable {

    static final int MAGIC = 0x464a4e4c; // "FJNL"
    static final int VERSION = 1;
    static final int FILE_HEADER = 16;
    static final int VERSION_ENCRYPTED = 2;
    static final int ENCRYPTED_HEADER = FILE_HEADER + io.ferrymq.core.atrest.FileSealer.HEADER;
    private static final Pattern NAME = Pattern.compile("journal-(\\d{16})\\.seg");
    private static final int ZERO_CHUNK = 1 << 20;

    final long id;
    final Path path;
    final FileChannel channel;
    /** Where the first entry starts. */
    final int dataStart;
    /** Null for a plain segment. Used by the writer thread only (others take a {@link SegmentCipher#copy}). */
    final SegmentCipher cipher;
    /** Where the next entry goes. */
    long position;

    Segment(long id, Path path, FileChannel channel, long position, SegmentCipher cipher) {
        this.id = id;
        this.path = path;
        this.channel = channel;
        this.position = position;
        this.cipher = cipher;
        this.dataStart = cipher == null ? FILE_HEADER : ENCRYPTED_HEADER;
    }

    static String fileName(long id) {
        return String.format("journal-%016d.seg", id);
    }

    static OptionalLong idOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /** Creates a new, zero-filled segment, durable (data and metadata) before it is used. */
    static Segment create(Path dir, long id, long size) throws IOException {
        return create(dir, id, size, null);
    }

    /** Like {@link #create(Path, long, long)}, encrypted with a key of its own derived from {@code key} (if not null). */
    static Segment create(Path dir, long id, long size, io.ferrymq.core.atrest.AtRestKey key) throws IOException {
        SegmentCipher cipher = key == null ? null : SegmentCipher.forNewSegment(key);
        Path path = dir.resolve(fileName(id));
        Path temp = dir.resolve(fileName(id) + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK);
            long written = 0;
            while (written < size) {
                zeros.clear().limit((int) Math.min(ZERO_CHUNK, size - written));
                written += ch.write(zeros, written);
            }
            ByteBuffer header = cipher == null
                    ? ByteBuffer.allocate(FILE_HEADER).putInt(MAGIC).putInt(VERSION).putLong(id).flip()
                    : ByteBuffer.allocate(ENCRYPTED_HEADER).putInt(MAGIC).putInt(VERSION_ENCRYPTED).putLong(id)
                            .put(cipher.header()).flip();
            ch.write(header, 0);
            ch.force(true);
        } catch (IOException e) {
            // A half-written segment on a full disk holds the very space everything else is waiting for.
            Files.deleteIfExists(temp);
            throw e;
        }
        // The rename makes a half-created segment invisible after a crash.
        Files.move(temp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(dir);
        return open(path, id, cipher == null ? FILE_HEADER : ENCRYPTED_HEADER, cipher);
    }

    static Segment open(Path path, long id, long position) throws IOException {
        return open(path, id, position, null);
    }

    static Segment open(Path path, long id, long position, SegmentCipher cipher) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(id, path, ch, position, cipher);
    }

    /** Where the entries of the segment file open in {@code ch} start (by its format version). */
    static int dataStart(FileChannel ch) throws IOException {
        ByteBuffer version = ByteBuffer.allocate(4);
        while (version.hasRemaining() && ch.read(version, 4 + version.position()) >= 0) {
            // read the format version
        }
        return version.flip().remaining() == 4 && version.getInt() == VERSION_ENCRYPTED ? ENCRYPTED_HEADER
                : FILE_HEADER;
    }

    /**
     * Makes the file at least {@code end} bytes long by writing zeros, so that the disk's room for an entry past
     * the zero-filled size is taken before the entry is written; when there is none the file keeps its size.
     */
    void grow(long end) throws IOException {
        long before = channel.size();
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZERO_CHUNK, Math.max(1, end - before)));
        long at = before;
        try {
            while (at < end) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), end - at));
                at += channel.write(zeros, at);
            }
        } catch (IOException e) {
            channel.truncate(before);
            throw e;
        }
    }

    long size() throws IOException {
        return channel.size();
    }

    /** Makes a directory entry change (a new or removed file) durable. */
    static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot open directories; the file contents themselves were forced.
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
