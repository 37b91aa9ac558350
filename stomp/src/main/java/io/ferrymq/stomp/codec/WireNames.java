package io.ferrymq.stomp.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The commands and header names clients send in almost every frame, recognised in the input buffer so the
 * decoder reuses one String for each instead of decoding a new one per frame. None contains a backslash or a
 * colon, so a match is the same string under every version's header escaping.
 */
final class WireNames {

    private static final String[] NAMES = {
        "SEND", "ACK", "NACK", "BEGIN", "COMMIT", "ABORT", "SUBSCRIBE", "UNSUBSCRIBE", "DISCONNECT", "CONNECT",
        "STOMP",
        "destination", "content-length", "content-type", "content-encoding", "receipt", "persistent",
        "transaction", "id", "ack", "subscription", "message-id", "priority", "expires", "expiration", "reply-to",
        "correlation-id", "type", "accept-version", "host", "login", "passcode", "heart-beat", "selector",
        "prefetch-count", "activemq.prefetchSize", "durable", "requeue", "JMSXGroupID",
    };

    /** Candidates by length in octets: BY_LENGTH[n] holds the names of n ASCII characters. */
    private static final byte[][][] BY_LENGTH;
    private static final String[][] STRINGS_BY_LENGTH;

    static {
        int max = 0;
        for (String n : NAMES) {
            max = Math.max(max, n.length());
        }
        List<List<String>> grouped = new ArrayList<>();
        for (int i = 0; i <= max; i++) {
            grouped.add(new ArrayList<>());
        }
        for (String n : NAMES) {
            grouped.get(n.length()).add(n);
        }
        BY_LENGTH = new byte[max + 1][][];
        STRINGS_BY_LENGTH = new String[max + 1][];
        for (int i = 0; i <= max; i++) {
            List<String> g = grouped.get(i);
            STRINGS_BY_LENGTH[i] = g.toArray(String[]::new);
            BY_LENGTH[i] = new byte[g.size()][];
            for (int j = 0; j < g.size(); j++) {
                BY_LENGTH[i][j] = g.get(j).getBytes(StandardCharsets.US_ASCII);
            }
        }
    }

    private WireNames() {
    }

    /** The shared string for the {@code length} octets at {@code index}, or null if they are not a known name. */
    static String lookup(ByteBuf in, int index, int length) {
        if (length >= BY_LENGTH.length) {
            return null;
        }
        byte[][] candidates = BY_LENGTH[length];
        for (int c = 0; c < candidates.length; c++) {
            byte[] name = candidates[c];
            int i = 0;
            while (i < length && in.getByte(index + i) == name[i]) {
                i++;
            }
            if (i == length) {
                return STRINGS_BY_LENGTH[length][c];
            }
        }
        return null;
    }
}
