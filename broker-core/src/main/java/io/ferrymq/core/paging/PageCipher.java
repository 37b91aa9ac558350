package io.ferrymq.core.paging;

import io.ferrymq.core.atrest.AtRestKey;
import io.ferrymq.core.atrest.FileSealer;

import javax.crypto.AEADBadTagException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Encryption of one page file (storage.encryption). An encrypted page file starts with a header
 * {@code [magic "FPGE":4][format:4][key id:8][salt:16]} (a plain file starts with a record, whose length can
 * never be the magic), and each record is {@code [length:4][crc32c:4][flags:1][message, encrypted][tag:16]}:
 * AES-256-GCM under the file's own key, the record's offset in the file as nonce (a page file is written once,
 * by one run), the length and flags as associated data. The CRC covers what follows it, as in a plain file.
 * Used on the paging I/O thread only.
 */
final class PageCipher {

    static final int MAGIC = 0x46504745; // "FPGE"
    static final int FORMAT = 1;
    static final int FILE_HEADER = FileSealer.FILE_HEADER;
    static final int TAG = FileSealer.TAG;
    static final String PURPOSE = "page";

    private final FileSealer sealer;
    private final byte[] aad = new byte[5];

    private PageCipher(FileSealer sealer) {
        this.sealer = sealer;
    }

    static PageCipher forNewFile(AtRestKey key) {
        return new PageCipher(FileSealer.forNewFile(key, PURPOSE));
    }

    /** The cipher of an existing page file, or null when it is a plain one. */
    static PageCipher of(AtRestKey key, Path file, FileChannel ch) throws IOException {
        FileSealer sealer = FileSealer.readHeader(key, file, ch, MAGIC, FORMAT, PURPOSE);
        return sealer == null ? null : new PageCipher(sealer);
    }

    byte[] header() {
        return sealer.fileHeader(MAGIC, FORMAT);
    }

    /**
     * Encrypts a record built with {@link #TAG} spare bytes at its end in place, then sets its length and CRC.
     *
     * @param offset where in the file the record goes
     * @param header the plain record header size (length, CRC, flags)
     */
    void seal(long offset, byte[] record, int header) {
        int length = record.length - 8;
        ByteBuffer.wrap(record).putInt(0, length);
        System.arraycopy(record, 0, aad, 0, 4);
        aad[4] = record[8];
        sealer.sealInPlace(offset, aad, aad.length, record, header, record.length - header - TAG);
        CRC32C crc = new CRC32C();
        crc.update(record, 8, length);
        ByteBuffer.wrap(record).putInt(4, (int) crc.getValue());
    }

    /**
     * The message bytes of a record read at {@code offset} whose CRC matched.
     *
     * @param body the record after its length and CRC: flags, ciphertext, tag
     */
    byte[] open(long offset, int length, byte[] body) throws AEADBadTagException {
        ByteBuffer.wrap(aad).putInt(0, length);
        aad[4] = body[0];
        byte[] out = new byte[body.length - 1 - TAG];
        sealer.open(offset, aad, aad.length, body, 1, body.length - 1, out, 0);
        return out;
    }
}
