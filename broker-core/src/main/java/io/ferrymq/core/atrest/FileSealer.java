package io.ferrymq.core.atrest;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * AES-256-GCM for the records of one file, under that file's own key ({@link AtRestKey#fileKey}). The caller
 * gives each record a counter that is unique within the file (its position: files are append-only and
 * written once), which becomes the 96-bit nonce {@code [0:4][counter:8]}; since no two files share a key, no
 * nonce is ever used twice under one key, across restarts and HA members alike. The record's framing goes in
 * as associated data, so a record cannot be moved, renumbered or spliced in from elsewhere.
 *
 * <p>The ciphertext has the plaintext's length and the 16-byte tag follows it, so offsets inside a record are
 * the same encrypted or not. Not thread-safe: one instance per thread ({@link #copy}); the {@link Cipher} is
 * reused for every record.
 *
 * <p>The file header holds {@code [key id:8][salt:16]} ({@link #HEADER}).
 */
public final class FileSealer {

    public static final int TAG = 16;
    public static final int SALT = 16;
    /** Bytes of the key id and salt in a file header. */
    public static final int HEADER = AtRestKey.ID_BYTES + SALT;
    /** Bytes of a whole file header: magic, format, then {@link #HEADER}. */
    public static final int FILE_HEADER = 8 + HEADER;

    private final SecretKeySpec key;
    private final byte[] keyId;
    private final byte[] salt;
    private final Cipher gcm;
    private Cipher ctr;
    private final byte[] nonce = new byte[12];

    private FileSealer(SecretKeySpec key, byte[] keyId, byte[] salt) {
        this.key = key;
        this.keyId = keyId;
        this.salt = salt;
        try {
            this.gcm = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is part of every Java runtime", e);
        }
    }

    /** A sealer for a new file: a fresh random salt. */
    public static FileSealer forNewFile(AtRestKey key, String purpose) {
        byte[] salt = AtRestKey.newSalt();
        return new FileSealer(key.fileKey(purpose, salt), key.id(), salt);
    }

    /**
     * The sealer of an existing file from its header bytes, or a clear error when the file was encrypted with
     * another key.
     *
     * @param header {@link #HEADER} bytes as read from the file
     */
    public static FileSealer forExistingFile(AtRestKey key, String purpose, Path file, byte[] header) {
        byte[] id = java.util.Arrays.copyOfRange(header, 0, AtRestKey.ID_BYTES);
        if (key == null) {
            throw new WrongKeyException(file + " is encrypted (key id " + AtRestKey.idText(id) + ") but no encryption key"
                    + " is configured: set storage.encryption.key-file to the key it was written with");
        }
        if (!key.hasId(id)) {
            throw new WrongKeyException(file + " was encrypted with key id " + AtRestKey.idText(id)
                    + ", the configured key is " + key.idText() + ": configure the key file it was written with");
        }
        byte[] salt = java.util.Arrays.copyOfRange(header, AtRestKey.ID_BYTES, HEADER);
        return new FileSealer(key.fileKey(purpose, salt), id, salt);
    }

    /**
     * Reads the header an encrypted file of one kind starts with, {@code [magic:4][format:4][key id:8][salt:16]}
     * ({@link #FILE_HEADER} bytes), and returns the file's sealer; null when the file does not start with
     * {@code magic} (a plain file: its first record's length is never the magic) or is shorter than a header.
     *
     * @param purpose what the file holds ("page", "stream"): the key derivation's label and the name in errors
     * @throws IOException          when the file is encrypted in another format than {@code format}
     * @throws WrongKeyException    when it was encrypted with another key than {@code key}, or none is configured
     */
    public static FileSealer readHeader(AtRestKey key, Path file, FileChannel channel, int magic, int format,
                                        String purpose) throws IOException {
        if (channel.size() < FILE_HEADER) {
            return null;
        }
        ByteBuffer head = ByteBuffer.allocate(FILE_HEADER);
        while (head.hasRemaining()) {
            if (channel.read(head, head.position()) < 0) {
                return null;
            }
        }
        if (head.getInt(0) != magic) {
            return null;
        }
        if (head.getInt(4) != format) {
            throw new IOException(file + " is an encrypted " + purpose + " file of an unknown format " + head.getInt(4));
        }
        byte[] keyHeader = new byte[HEADER];
        head.get(8, keyHeader);
        return forExistingFile(key, purpose, file, keyHeader);
    }

    /** The header of a new file of this sealer, as {@link #readHeader} reads it back. */
    public byte[] fileHeader(int magic, int format) {
        return ByteBuffer.allocate(FILE_HEADER).putInt(magic).putInt(format).put(header()).array();
    }

    /** Another sealer of the same file, for another thread. */
    public FileSealer copy() {
        return new FileSealer(key, keyId, salt);
    }

    /** The {@link #HEADER} bytes to write into the file header. */
    public byte[] header() {
        byte[] out = new byte[HEADER];
        System.arraycopy(keyId, 0, out, 0, keyId.length);
        System.arraycopy(salt, 0, out, keyId.length, salt.length);
        return out;
    }

    /** Encrypts {@code src} into {@code dst} (its length plus {@link #TAG} bytes). */
    public void seal(long counter, byte[] aad, int aadLength, ByteBuffer src, ByteBuffer dst) {
        try {
            gcm.init(Cipher.ENCRYPT_MODE, key, spec(counter));
            gcm.updateAAD(aad, 0, aadLength);
            gcm.doFinal(src, dst);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Encrypts {@code length} bytes of {@code buf} at {@code offset} in place; the tag goes right after them
     * (the array has room for it). No copy, no allocation beyond the nonce's spec.
     */
    public void sealInPlace(long counter, byte[] aad, int aadLength, byte[] buf, int offset, int length) {
        try {
            gcm.init(Cipher.ENCRYPT_MODE, key, spec(counter));
            gcm.updateAAD(aad, 0, aadLength);
            gcm.doFinal(buf, offset, length, buf, offset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Encrypts {@code length} bytes of {@code src} into {@code dst} at {@code dstOffset} (with the tag after them). */
    public void seal(long counter, byte[] aad, int aadLength, byte[] src, int offset, int length, byte[] dst,
                     int dstOffset) {
        try {
            gcm.init(Cipher.ENCRYPT_MODE, key, spec(counter));
            gcm.updateAAD(aad, 0, aadLength);
            gcm.doFinal(src, offset, length, dst, dstOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Encrypts into a new array of {@code length + TAG} bytes. */
    public byte[] seal(long counter, byte[] aad, int aadLength, byte[] src, int offset, int length) {
        byte[] out = new byte[length + TAG];
        seal(counter, aad, aadLength, ByteBuffer.wrap(src, offset, length), ByteBuffer.wrap(out));
        return out;
    }

    /**
     * Decrypts and authenticates {@code length} bytes of ciphertext and tag from {@code src} into {@code dst}.
     *
     * @throws AEADBadTagException when the record, its framing or its place was altered
     */
    public void open(long counter, byte[] aad, int aadLength, byte[] src, int offset, int length, byte[] dst,
                     int dstOffset) throws AEADBadTagException {
        try {
            gcm.init(Cipher.DECRYPT_MODE, key, spec(counter));
            gcm.updateAAD(aad, 0, aadLength);
            gcm.doFinal(src, offset, length, dst, dstOffset);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    /**
     * Decrypts part of a record without its tag: GCM is counter mode underneath, so the bytes at
     * {@code plainOffset} of the record sealed with {@code counter} are a CTR decryption from counter block
     * {@code 2 + plainOffset / 16}. For copying single records out of an entry whose tag was checked when it
     * was written or recovered (compaction, snapshots).
     */
    public byte[] decryptRange(long counter, long plainOffset, byte[] src, int offset, int length) {
        try {
            if (ctr == null) {
                ctr = Cipher.getInstance("AES/CTR/NoPadding");
            }
            byte[] iv = new byte[16];
            System.arraycopy(spec(counter).getIV(), 0, iv, 0, 12);
            long block = 2 + plainOffset / 16;
            iv[12] = (byte) (block >>> 24);
            iv[13] = (byte) (block >>> 16);
            iv[14] = (byte) (block >>> 8);
            iv[15] = (byte) block;
            ctr.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(iv));
            int skip = (int) (plainOffset % 16);
            if (skip > 0) {
                ctr.update(new byte[skip]);
            }
            return ctr.doFinal(src, offset, length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR decryption failed", e);
        }
    }

    private GCMParameterSpec spec(long counter) {
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (56 - 8 * i));
        }
        // The spec copies the nonce: the array is reused.
        return new GCMParameterSpec(TAG * 8, nonce);
    }
}
