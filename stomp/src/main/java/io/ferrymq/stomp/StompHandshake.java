package io.ferrymq.stomp;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.stomp.codec.StompVersion;

/** What a CONNECT frame asks for: the protocol version and the heart-beat intervals. */
final class StompHandshake {

    private StompHandshake() {
    }

    /** The highest version both sides speak; 1.0 when the client names none; null when none is shared. */
    static StompVersion negotiate(String acceptVersion) {
        if (acceptVersion == null || acceptVersion.isBlank()) {
            return StompVersion.V1_0;
        }
        StompVersion best = null;
        for (String v : acceptVersion.split(",")) {
            StompVersion candidate = StompVersion.parse(v.trim()).orElse(null);
            if (candidate != null && (best == null || candidate.compareTo(best) > 0)) {
                best = candidate;
            }
        }
        return best;
    }

    /**
     * The client's heart-beat header: what it can send and what it wants to receive, in milliseconds.
     *
     * @throws BrokerException INVALID_ARGUMENT unless it is two non-negative numbers
     */
    static long[] parseHeartBeat(String header) {
        if (header == null) {
            return new long[] {0, 0};
        }
        String[] parts = header.split(",");
        try {
            if (parts.length == 2) {
                long cx = Long.parseLong(parts[0].trim());
                long cy = Long.parseLong(parts[1].trim());
                if (cx >= 0 && cy >= 0) {
                    return new long[] {cx, cy};
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw BrokerException.invalid("heart-beat must be two non-negative numbers of milliseconds, like 10000,10000;"
                + " was '" + header + "'");
    }
}
