package io.ferrymq.core.atrest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The master key for encryption at rest (AES-256), read from a key file. It never encrypts anything itself:
 * every file gets its own AES key derived from it and a random salt kept in the file's header
 * ({@link #fileKey}), so that GCM nonces only have to be unique within one file. Its id (a keyed hash, which
 * says nothing about the key) is written into every file header, so a wrong key is named at start-up.
 */
public final class AtRestKey {

    public static final int KEY_BYTES = 32;
    public static final int ID_BYTES = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec master;
    private final byte[] id;

    private AtRestKey(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("an at-rest key has " + KEY_BYTES + " bytes, not " + key.length);
        }
        this.master = new SecretKeySpec(key, "HmacSHA256");
        this.id = Arrays.copyOf(hmac("ferrymq at-rest key id".getBytes(StandardCharsets.US_ASCII)), ID_BYTES);
    }

    public static AtRestKey of(byte[] key) {
        return new AtRestKey(key.clone());
    }

    /**
     * Reads a key file: the base64 text {@code bin/ferrymq keygen} writes (whitespace around it ignored), or the
     * 32 raw key bytes.
     */
    public static AtRestKey load(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the at-rest key file " + file + ": " + e.getMessage(), e);
        }
        if (raw.length == KEY_BYTES) {
            return new AtRestKey(raw);
        }
        String text = new String(raw, StandardCharsets.US_ASCII).strip();
        try {
            byte[] key = Base64.getDecoder().decode(text);
            if (key.length == KEY_BYTES) {
                return new AtRestKey(key);
            }
        } catch (IllegalArgumentException e) {
            // not base64: reported below like a key of the wrong size
        }
        throw new IllegalArgumentException("the at-rest key file " + file + " does not hold a 256-bit key (32 bytes, or"
                + " their base64); create one with bin/ferrymq keygen --out " + file);
    }

    /**
     * Writes a new random key to {@code out} as base64, readable by its owner only (0600), and returns it.
     * Refuses to overwrite an existing file: losing a key loses every file encrypted with it.
     */
    public static AtRestKey generate(Path out) {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        byte[] text = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            try {
                Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(out);
            }
            Files.write(out, text, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException(out + " exists already; a key is never overwritten (files encrypted with it"
                    + " would become unreadable)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the key file " + out + ": " + e.getMessage(), e);
        }
        return new AtRestKey(key);
    }

    /** The key's id as stored in file headers. */
    public byte[] id() {
        return id.clone();
    }

    public String idText() {
        return HexFormat.of().formatHex(id);
    }

    public boolean hasId(byte[] other) {
        return java.security.MessageDigest.isEqual(id, other);
    }

    public static String idText(byte[] id) {
        return HexFormat.of().formatHex(id);
    }

    /** A fresh random salt for a new file. */
    public static byte[] newSalt() {
        byte[] salt = new byte[FileSealer.SALT];
        RANDOM.nextBytes(salt);
        return salt;
    }

    /**
     * The AES key of one file: HMAC-SHA256(master, label | purpose | salt). The purpose (journal, page, stream)
     * keeps a file of one kind from passing for another.
     */
    public SecretKeySpec fileKey(String purpose, byte[] salt) {
        byte[] label = ("ferrymq at-rest v1 " + purpose + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] input = Arrays.copyOf(label, label.length + salt.length);
        System.arraycopy(salt, 0, input, label.length, salt.length);
        return new SecretKeySpec(hmac(input), "AES");
    }

    private byte[] hmac(byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(master);
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "at-rest key " + idText();
    }
}
