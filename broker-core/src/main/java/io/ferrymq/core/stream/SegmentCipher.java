package io.ferrymq.core.stream;

import io.ferrymq.core.atrest.AtRestKey;
import io.ferrymq.core.atrest.FileSealer;

import javax.crypto.AEADBadTagException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Encryption of one stream segment file (storage.encryption). An encrypted segment starts with a header
 * {@code [magic "FSTE":4][format:4][key id:8][salt:16]} (a plain one starts with a record, whose length is
 * never that large), and each record is {@link RecordFormat}'s {@code [length][crc32c][payload]} with the
 * payload AES-256-GCM encrypted under the file's own key and followed by its tag: the record's position in the
 * file is the nonce (a segment is appended to by one writer and never rewritten), its length field the
 * associated data. The CRC covers the ciphertext, so torn writes are found as before.
 * Not thread-safe: readers take a {@link #copy}.
 */
final class SegmentCipher {

    static final int MAGIC = 0x46535445; // "FSTE"
    static final int FORMAT = 1;
    static final int FILE_HEADER = FileSealer.FILE_HEADER;
    static final int TAG = FileSealer.TAG;
    static final String PURPOSE = "stream";

    private final FileSealer sealer;
    private final byte[] aad = new byte[4];
    private final CRC32C crc = new CRC32C();

    private SegmentCipher(FileSealer sealer) {
        this.sealer = sealer;
    }

    static SegmentCipher forNewFile(AtRestKey key) {
        return new SegmentCipher(FileSealer.forNewFile(key, PURPOSE));
    }

    /** The cipher of an existing segment, or null when it is a plain one. */
    static SegmentCipher of(AtRestKey key, Path file, FileChannel ch) throws IOException {
        FileSealer sealer = FileSealer.readHeader(key, file, ch, MAGIC, FORMAT, PURPOSE);
        return sealer == null ? null : new SegmentCipher(sealer);
    }

    SegmentCipher copy() {
        return new SegmentCipher(sealer.copy());
    }

    ByteBuffer header() {
        return ByteBuffer.wrap(sealer.fileHeader(MAGIC, FORMAT));
    }

    /**
     * Encrypts {@code n} plain records of {@code plain} (at {@code relative} positions) for the file position
     * {@code at}; {@code relative} is rewritten to the records' positions in the result.
     */
    ByteBuffer seal(ByteBuffer plain, long[] relative, int n, long at) {
        ByteBuffer out = ByteBuffer.allocate(plain.remaining() + n * TAG);
        for (int k = 0; k < n; k++) {
            int p = (int) relative[k];
            int length = plain.getInt(p);
            int start = out.position();
            relative[k] = start;
            out.putInt(length + TAG).putInt(0);
            ByteBuffer.wrap(aad).putInt(0, length + TAG);
            sealer.seal(at + start, aad, aad.length, plain.duplicate().position(p + RecordFormat.HEADER)
                    .limit(p + RecordFormat.HEADER + length), out);
            crc.reset();
            crc.update(out.duplicate().position(start + RecordFormat.HEADER).limit(out.position()));
            out.putInt(start + 4, (int) crc.getValue());
        }
        return out.flip();
    }

    /**
     * The plain record (in {@link RecordFormat}) of the encrypted one at the buffer's position, whose CRC was
     * checked; advances the buffer past it.
     *
     * @param at the record's position in the file
     */
    ByteBuffer open(ByteBuffer in, long at) throws AEADBadTagException {
        int p = in.position();
        int length = in.getInt(p);
        byte[] sealed = new byte[length];
        in.get(p + RecordFormat.HEADER, sealed);
        ByteBuffer.wrap(aad).putInt(0, length);
        byte[] plain = new byte[RecordFormat.HEADER + length - TAG];
        sealer.open(at, aad, aad.length, sealed, 0, length, plain, RecordFormat.HEADER);
        ByteBuffer.wrap(plain).putInt(0, length - TAG);
        in.position(p + RecordFormat.HEADER + length);
        return ByteBuffer.wrap(plain);
    }
}
