package io.ferrymq.stomp.codec;

import io.netty.buffer.ByteBuf;

/**
 * The last few short header names and values a connection sent, so that the decoder hands out the same String
 * again when the same octets come again (a producer's destination, its content-type, an application header's name)
 * instead of decoding a new one for every frame. One per decoder, so one thread.
 *
 * <p>Only strings that are their own octets are kept: ASCII with no backslash, so one octet per character and the
 * same under every version's header escaping (the escaping of a CONNECT frame and of the frames after it differ).
 * Keeping one is storing a reference, so a value that changes in every frame (a receipt id, a sequence number)
 * costs nothing but a length comparison per entry on the next frames. Replacement is the clock algorithm: an
 * entry found since the hand last passed it gets a second chance, so a destination repeated in every frame
 * stays while one-off values take turns in the other entries.
 */
final class RecentStrings {

    /** Longer strings are decoded every time: they are rarely repeated and slower to compare. */
    static final int MAX_LENGTH = 64;
    private static final int SIZE = 16;

    private final String[] kept = new String[SIZE];
    private final boolean[] used = new boolean[SIZE];
    private int hand;

    /** The string kept for the {@code length} octets at {@code index}, or null. */
    String lookup(ByteBuf in, int index, int length) {
        if (length > MAX_LENGTH) {
            return null;
        }
        for (int e = 0; e < SIZE; e++) {
            String s = kept[e];
            if (s != null && s.length() == length && matches(in, index, s)) {
                used[e] = true;
                return s;
            }
        }
        return null;
    }

    /**
     * Keeps {@code decoded}, the decoding of {@code length} octets, if it is exactly those octets (replacing
     * the first entry the clock hand finds unused). Equal lengths mean no multi-octet character and no escape sequence was decoded.
     */
    void remember(int length, String decoded) {
        if (length > MAX_LENGTH || length == 0 || decoded.length() != length || decoded.indexOf('\\') >= 0) {
            return;
        }
        while (used[hand]) {
            used[hand] = false;
            hand = (hand + 1) % SIZE;
        }
        kept[hand] = decoded;
        hand = (hand + 1) % SIZE;
    }

    private static boolean matches(ByteBuf in, int index, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (in.getByte(index + i) != (byte) s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
