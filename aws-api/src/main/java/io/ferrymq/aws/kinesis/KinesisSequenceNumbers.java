package io.ferrymq.aws.kinesis;

import java.math.BigInteger;

/**
 * Sequence numbers as Kinesis clients see them: decimal strings, increasing within a shard, and higher in
 * a child shard than in its parents (children get higher shard numbers). The number is
 * {@code (shard + 1) * 2^64 + offset}, so the shard and offset come back out of it.
 */
final class KinesisSequenceNumbers {

    private static final BigInteger OFFSET_MASK = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private KinesisSequenceNumbers() {
    }

    static String of(int shard, long offset) {
        return BigInteger.valueOf(shard + 1L).shiftLeft(64).add(BigInteger.valueOf(offset)).toString();
    }

    /** The shard and offset of a sequence number, or null when it is not one this broker made. */
    static long[] parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 128 || !text.chars().allMatch(Character::isDigit)) {
            return null;
        }
        BigInteger n = new BigInteger(text);
        BigInteger shard = n.shiftRight(64).subtract(BigInteger.ONE);
        if (shard.signum() < 0 || shard.bitLength() > 31) {
            return null;
        }
        long offset = n.and(OFFSET_MASK).longValue();
        return offset < 0 ? null : new long[] {shard.longValue(), offset};
    }
}
