package io.ferrymq.core.stream;

import io.ferrymq.core.atrest.AtRestKey;

import javax.crypto.AEADBadTagException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads a segment file of a {@link StreamSnapshot} as an HA resync copies it: in chunks of whole records in
 * plain {@link RecordFormat} (opened with this node's key when the segment is sealed), each with its position
 * in the plain layout of the segment. The receiver writes them in its own layout ({@link StreamReplica}): sealed
 * with its own key, or plain, where the plain positions are the file's. Reading ends at the snapshot's durable
 * length or at a torn record. Used by one thread.
 */
public final class SegmentFileReader implements AutoCloseable {

    /** Whole plain records, the first of them at {@code position} of the segment's plain layout. */
    public record Chunk(long position, byte[] records) { }

    private final StreamSnapshot.SegmentFile segment;
    private final FileChannel channel;
    /** Null for a plain segment. */
    private final SegmentCipher cipher;
    private long filePosition;
    private long plainPosition;
    private boolean started;
    private final CRC32C crc = new CRC32C();

    private SegmentFileReader(StreamSnapshot.SegmentFile segment, FileChannel channel, SegmentCipher cipher) {
        this.segment = segment;
        this.channel = channel;
        this.cipher = cipher;
        this.filePosition = cipher == null ? 0 : SegmentCipher.FILE_HEADER;
    }

    static SegmentFileReader open(StreamSnapshot.SegmentFile segment, AtRestKey key) throws IOException {
        FileChannel ch = FileChannel.open(segment.file(), StandardOpenOption.READ);
        try {
            return new SegmentFileReader(segment, ch, SegmentCipher.of(key, segment.file(), ch));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * The next whole records, about {@code maxBytes} of them (at least one, however large); an empty chunk first
     * for a segment without records, so that the copy has the file too; null at the end.
     */
    public Chunk next(int maxBytes) throws IOException {
        long left = segment.length() - filePosition;
        ByteBuffer buf = read(filePosition, (int) Math.min(Math.max(left, 0), maxBytes));
        int whole = wholeRecords(buf);
        if (whole == 0 && buf.limit() >= RecordFormat.HEADER) {
            // A record larger than a chunk goes alone.
            long size = RecordFormat.HEADER + (long) buf.getInt(0);
            if (size > RecordFormat.HEADER && size <= left) {
                buf = read(filePosition, (int) size);
                whole = (int) size;
            }
        }
        if (whole == 0 && started) {
            return null;
        }
        started = true;
        long at = plainPosition;
        byte[] plain;
        if (cipher == null) {
            plain = new byte[whole];
            buf.get(0, plain, 0, whole);
        } else {
            ByteArrayOutputStream out = new ByteArrayOutputStream(whole);
            buf.limit(whole);
            while (buf.hasRemaining()) {
                long recordAt = filePosition + buf.position();
                try {
                    byte[] record = cipher.open(buf, recordAt).array();
                    // The opened record's CRC field is not set (readers of sealed records have the tag).
                    crc.reset();
                    crc.update(record, RecordFormat.HEADER, record.length - RecordFormat.HEADER);
                    ByteBuffer.wrap(record).putInt(4, (int) crc.getValue());
                    out.write(record, 0, record.length);
                } catch (AEADBadTagException e) {
                    throw new IOException("stream segment " + segment.file() + " failed authentication at byte "
                            + recordAt + ": the encrypted record was altered or moved");
                }
            }
            plain = out.toByteArray();
        }
        filePosition += whole;
        plainPosition += plain.length;
        return new Chunk(at, plain);
    }

    /** The bytes of the whole records at the buffer's start. */
    private static int wholeRecords(ByteBuffer buf) {
        int p = 0;
        while (p + RecordFormat.HEADER <= buf.limit()) {
            int length = buf.getInt(p);
            if (length <= 0 || p + RecordFormat.HEADER + (long) length > buf.limit()) {
                break;
            }
            p += RecordFormat.HEADER + length;
        }
        return p;
    }

    private ByteBuffer read(long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (channel.read(b, at + b.position()) < 0) {
                throw new IOException("segment file " + segment.file() + " is shorter than its " + segment.length()
                        + " durable bytes");
            }
        }
        return b.flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
