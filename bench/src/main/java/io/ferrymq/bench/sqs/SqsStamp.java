package io.ferrymq.bench.sqs;

import io.ferrymq.bench.driver.Stamp;

/**
 * The {@link Stamp} of an SQS benchmark message, at the start of its body (message attributes would add MD5
 * work to both client and broker that the other protocols' runs do not have): {@code fb1:}, the producer (8 hex
 * digits), the sequence (16), {@link System#nanoTime()} at the send (16, two's complement), {@code :}, then filler
 * up to the message size. 45 characters in all; a smaller message size still carries the whole stamp.
 */
public final class SqsStamp {

    static final String MAGIC = "fb1:";
    /** Length of the stamp, the magic and the closing ':' included. */
    public static final int LENGTH = MAGIC.length() + 8 + 16 + 16 + 1;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private SqsStamp() {
    }

    /** The body of a message of {@code size} characters (at least {@link #LENGTH}) carrying the stamp. */
    public static String encode(int producer, long sequence, long sentNanos, int size) {
        StringBuilder b = new StringBuilder(Math.max(size, LENGTH));
        b.append(MAGIC);
        hex(b, producer & 0xffffffffL, 8);
        hex(b, sequence, 16);
        hex(b, sentNanos, 16);
        b.append(':');
        for (int i = b.length(); i < size; i++) {
            b.append((char) ('a' + i % 26));
        }
        return b.toString();
    }

    /** The stamp at the start of {@code body}; null when there is none (not a benchmark message, or mangled). */
    public static Stamp decode(String body) {
        if (body == null || body.length() < LENGTH || !body.startsWith(MAGIC) || body.charAt(LENGTH - 1) != ':') {
            return null;
        }
        try {
            int at = MAGIC.length();
            long producer = Long.parseUnsignedLong(body, at, at + 8, 16);
            long sequence = Long.parseUnsignedLong(body, at + 8, at + 24, 16);
            long sent = Long.parseUnsignedLong(body, at + 24, at + 40, 16);
            return new Stamp((int) producer, sequence, sent);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void hex(StringBuilder b, long value, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            b.append(HEX[(int) (value >>> shift) & 0xf]);
        }
    }
}
