package io.ferrymq.core.paging;

import io.ferrymq.core.atrest.AtRestKey;

import javax.crypto.AEADBadTagException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads the records of a page file as a resync copies it ({@link PagingService#reader}), in plain form (opened
 * with this node's key when the file is sealed), in batches of whole records: the receiver lays them out in
 * its own way ({@link PageFileWriter}). Reading ends at the snapshot's length or at a torn record. Used by one
 * thread; the caller closes the {@link PagingService.FileCopy}'s channel.
 */
public final class PageFileReader {

    private static final int RECORD_HEADER = 9;

    /** Records {@code first} on of the file, back to back in plain form. */
    public record Batch(long first, byte[] records) { }

    private final PagingService.FileCopy copy;
    private final Path name;
    private final PageCipher cipher;
    private long offset;
    private long record;
    private boolean started;

    private PageFileReader(PagingService.FileCopy copy, Path name, PageCipher cipher) {
        this.copy = copy;
        this.name = name;
        this.cipher = cipher;
        this.offset = cipher == null ? 0 : PageCipher.FILE_HEADER;
    }

    static PageFileReader open(PagingService.FileCopy copy, Path name, AtRestKey key) throws IOException {
        return new PageFileReader(copy, name, PageCipher.of(key, name, copy.channel()));
    }

    /**
     * The next records, about {@code maxBytes} of them (at least one); an empty batch first for a file without
     * records, so that the copy has the file too; null at the end.
     */
    public Batch next(int maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long first = record;
        while (out.size() < maxBytes) {
            byte[] plain = readRecord();
            if (plain == null) {
                break;
            }
            out.write(plain);
        }
        if (out.size() == 0 && started) {
            return null;
        }
        started = true;
        return new Batch(first, out.toByteArray());
    }

    /** The record at {@link #offset} in plain form, or null at the end of the data. */
    private byte[] readRecord() throws IOException {
        long length = copy.length();
        if (offset + RECORD_HEADER > length) {
            return null;
        }
        int len = read(offset, 8).getInt(0);
        if (len <= (cipher == null ? 0 : 1 + PageCipher.TAG) || offset + 8 + len > length) {
            return null; // a torn record: it was never confirmed
        }
        byte[] whole = read(offset, 8 + len).array();
        CRC32C crc = new CRC32C();
        crc.update(whole, 8, len);
        if ((int) crc.getValue() != ByteBuffer.wrap(whole).getInt(4)) {
            throw new IOException("page file " + name + " is corrupt at offset " + offset + " (CRC mismatch)");
        }
        byte[] out = whole;
        if (cipher != null) {
            byte[] message;
            try {
                message = cipher.open(offset, len, Arrays.copyOfRange(whole, 8, whole.length));
            } catch (AEADBadTagException e) {
                throw new IOException("page file " + name + " failed authentication at offset " + offset
                        + ": the encrypted record was altered or moved");
            }
            out = new byte[RECORD_HEADER + message.length];
            out[8] = whole[8];
            System.arraycopy(message, 0, out, RECORD_HEADER, message.length);
            ByteBuffer.wrap(out).putInt(0, 1 + message.length);
            crc.reset();
            crc.update(out, 8, out.length - 8);
            ByteBuffer.wrap(out).putInt(4, (int) crc.getValue());
        }
        offset += 8 + len;
        record++;
        return out;
    }

    private ByteBuffer read(long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (copy.channel().read(b, at + b.position()) < 0) {
                throw new IOException("page file " + name + " ends before its snapshot length");
            }
        }
        return b;
    }
}
