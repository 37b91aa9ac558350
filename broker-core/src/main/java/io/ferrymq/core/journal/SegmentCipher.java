package io.ferrymq.core.journal;

import io.ferrymq.core.atrest.AtRestKey;
import io.ferrymq.core.atrest.FileSealer;

import javax.crypto.AEADBadTagException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Encryption of one journal segment's entries (storage.encryption). An encrypted entry keeps the plain
 * framing and adds the GCM tag after the payload:
 * <pre>
 *  0 int   length of what follows the length field (payload + 16)
 *  4 int   CRC32C of bytes 8..end (ciphertext and tag included)
 *  8 long  sequence number
 * 16 byte  kind
 * 17 ...   payload, AES-256-GCM encrypted (same length), then the 16-byte tag
 * </pre>
 * The nonce is the entry's position in the segment (segments are append-only and written by one run, and
 * each has its own key), the associated data the length, sequence number and kind. The CRC still tells a
 * torn write from a tampered entry and lets recovery resync after damage; the tag catches everything else.
 * Records keep their offsets inside the entry, so the index points at them as in a plain segment.
 * One instance per thread.
 */
final class SegmentCipher {

    static final String PURPOSE = "journal";
    static final int TAG = FileSealer.TAG;
    private static final int AAD = 13;

    /** The writer thread's buffer for one sealed entry (at most the journal's write buffer). */
    private static final int MAX_SCRATCH = (1 << 20) + TAG;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    private final FileSealer sealer;
    private final byte[] aad = new byte[AAD];
    private final CRC32C crc = new CRC32C();

    private SegmentCipher(FileSealer sealer) {
        this.sealer = sealer;
    }

    static SegmentCipher forNewSegment(AtRestKey key) {
        return new SegmentCipher(FileSealer.forNewFile(key, PURPOSE));
    }

    /** From an encrypted segment's header (the bytes after the plain 16); a clear error for the wrong key. */
    static SegmentCipher forSegment(AtRestKey key, Path file, byte[] header) {
        return new SegmentCipher(FileSealer.forExistingFile(key, PURPOSE, file, header));
    }

    /** The same segment's cipher for another thread. */
    SegmentCipher copy() {
        return new SegmentCipher(sealer.copy());
    }

    byte[] header() {
        return sealer.header();
    }

    /**
     * Seals the plain entry framed at {@code start} of {@code buf} for its place at {@code position}: the payload
     * is encrypted in place, the tag written right after it (the buffer has room), the length and the CRC
     * redone over what goes to disk. The buffer's position is not moved.
     *
     * @param plainSize the plain entry's size (header and payload)
     * @return the sealed entry's size
     */
    int seal(long position, ByteBuffer buf, int start, int plainSize) {
        int length = plainSize - Entry.HEADER;
        int size = plainSize + TAG;
        buf.putInt(start, size - 4);
        fillAad(size - 4, buf.getLong(start + 8), buf.get(start + 16));
        // The payload is sealed in a heap array reused by this thread and copied back: the JDK's GCM allocates a
        // temporary copy of its output (about 2 KiB per entry measured) when it works on a direct buffer itself.
        byte[] sealed = SCRATCH.get();
        if (sealed.length < length + TAG) {
            sealed = new byte[Math.max(length + TAG, 2 * sealed.length)];
            // Kept only up to the size of the journal's write buffer: a huge entry's copy is not held on to.
            if (sealed.length <= MAX_SCRATCH) {
                SCRATCH.set(sealed);
            }
        }
        buf.get(start + Entry.HEADER, sealed, 0, length);
        sealer.sealInPlace(position, aad, AAD, sealed, 0, length);
        buf.put(start + Entry.HEADER, sealed, 0, length + TAG);
        // The CRC reads the bytes in place (no view of the buffer is allocated).
        int oldPosition = buf.position();
        int oldLimit = buf.limit();
        buf.limit(start + size).position(start + 8);
        crc.reset();
        crc.update(buf);
        buf.limit(oldLimit).position(oldPosition);
        buf.putInt(start + 4, (int) crc.getValue());
        return size;
    }

    /**
     * The payload of an entry read at {@code position} (its CRC and sequence number already checked).
     *
     * @throws AEADBadTagException when the entry was altered, moved or written with another key
     */
    byte[] open(long position, byte[] entry) throws AEADBadTagException {
        int length = Entry.getInt(entry, 0);
        fillAad(length, Entry.getLong(entry, 8), entry[16]);
        byte[] payload = new byte[entry.length - Entry.HEADER - TAG];
        sealer.open(position, aad, AAD, entry, Entry.HEADER, entry.length - Entry.HEADER, payload, 0);
        return payload;
    }

    /** The plaintext of one record read raw from the segment (compaction, snapshots). */
    byte[] record(JournalIndex.Loc loc, byte[] ciphertext) {
        long entryPosition = loc.position() - Entry.HEADER - loc.inEntry();
        return sealer.decryptRange(entryPosition, loc.inEntry(), ciphertext, 0, ciphertext.length);
    }

    private void fillAad(int length, long seq, byte kind) {
        Entry.putInt(aad, 0, length);
        Entry.putLong(aad, 4, seq);
        aad[12] = kind;
    }
}
