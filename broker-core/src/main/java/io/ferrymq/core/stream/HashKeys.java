package io.ferrymq.core.stream;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/** The 128-bit hash-key space of a stream: partition keys hash into it by MD5, shards divide it. */
public final class HashKeys {

    public static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private HashKeys() {
    }

    /** The MD5 of the key's UTF-8 bytes as an unsigned 128-bit integer (as Kinesis routes partition keys). */
    public static BigInteger of(String partitionKey) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(partitionKey.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, md5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }

    /** Whether {@code text} is a decimal hash key in [0, 2^128 - 1]. */
    public static boolean valid(String text) {
        if (text == null || text.isEmpty() || text.length() > 39 || !text.chars().allMatch(Character::isDigit)) {
            return false;
        }
        return new BigInteger(text).compareTo(MAX) <= 0;
    }

    /** The hash key a record routes by: its explicit hash key if it has one, else its partition key's MD5. */
    static BigInteger route(AppendRequest r) {
        return r.explicitHashKey() != null ? new BigInteger(r.explicitHashKey()) : of(r.partitionKey());
    }

    /** {@code n} contiguous ranges over [start, end], as even as integers allow (the last takes the rest). */
    static List<BigInteger[]> split(BigInteger start, BigInteger end, int n) {
        BigInteger width = end.subtract(start).add(BigInteger.ONE).divide(BigInteger.valueOf(n));
        List<BigInteger[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            BigInteger s = start.add(width.multiply(BigInteger.valueOf(i)));
            BigInteger e = i == n - 1 ? end : s.add(width).subtract(BigInteger.ONE);
            out.add(new BigInteger[] {s, e});
        }
        return out;
    }
}
