package io.ferrymq.stomp;

import io.ferrymq.stomp.codec.StompLimits;

/**
 * STOMP listener behaviour.
 *
 * @param limits              frame size, header count and header line limits
 * @param minHeartBeatMillis  the shortest heart-beat interval granted, whatever a client asks for
 * @param connectTimeoutMillis a connection must send CONNECT within this time
 * @param defaultPrefetch     deliveries in flight per subscription when the client names no prefetch
 * @param maxPendingSends     unconfirmed SENDs per connection before the broker stops reading from it
 */
public record StompSettings(StompLimits limits, long minHeartBeatMillis, long connectTimeoutMillis,
                            int defaultPrefetch, int maxPendingSends) {

    public StompSettings {
        if (minHeartBeatMillis < 1) {
            throw new IllegalArgumentException("min heart-beat must be at least 1 ms");
        }
        if (defaultPrefetch < 1 || maxPendingSends < 1) {
            throw new IllegalArgumentException("prefetch and pending-send window must be at least 1");
        }
    }

    public static StompSettings defaults() {
        return new StompSettings(StompLimits.defaults(), 1000, 30_000, 1000, 256);
    }

    public StompSettings withLimits(StompLimits l) {
        return new StompSettings(l, minHeartBeatMillis, connectTimeoutMillis, defaultPrefetch, maxPendingSends);
    }

    public StompSettings withMinHeartBeatMillis(long v) {
        return new StompSettings(limits, v, connectTimeoutMillis, defaultPrefetch, maxPendingSends);
    }

    public StompSettings withConnectTimeoutMillis(long v) {
        return new StompSettings(limits, minHeartBeatMillis, v, defaultPrefetch, maxPendingSends);
    }

    public StompSettings withDefaultPrefetch(int v) {
        return new StompSettings(limits, minHeartBeatMillis, connectTimeoutMillis, v, maxPendingSends);
    }

    public StompSettings withMaxPendingSends(int v) {
        return new StompSettings(limits, minHeartBeatMillis, connectTimeoutMillis, defaultPrefetch, v);
    }
}
