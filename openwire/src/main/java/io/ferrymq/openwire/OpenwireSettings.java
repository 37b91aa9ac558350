package io.ferrymq.openwire;

/**
 * OpenWire listener behaviour.
 *
 * @param maxFrameSize            the largest command a client may send, in bytes (also offered in WireFormatInfo)
 * @param maxInactivityMillis     the longest silence the broker offers to accept; the client's smaller value wins,
 *                                and 0 on either side turns the inactivity monitor off
 * @param connectTimeoutMillis    a connection must complete its WireFormatInfo and ConnectionInfo within this time
 * @param maxPendingSends         unconfirmed sends per connection before the broker stops reading from it
 * @param cacheEnabled            whether the broker agrees to OpenWire's marshalling cache when the client asks
 * @param tightEncodingEnabled    whether the broker agrees to tight encoding when the client asks
 * @param sendFailIfNoSpace       ActiveMQ's {@code sendFailIfNoSpace}: at the broker's memory limit a send is refused
 *                                with ResourceAllocationException; false (ActiveMQ's default) holds the producer back
 */
public record OpenwireSettings(int maxFrameSize, long maxInactivityMillis, long connectTimeoutMillis,
                               int maxPendingSends, boolean cacheEnabled, boolean tightEncodingEnabled,
                               boolean sendFailIfNoSpace) {

    public OpenwireSettings {
        if (maxFrameSize < 1024) {
            throw new IllegalArgumentException("max frame size must be at least 1KiB, was " + maxFrameSize);
        }
        if (maxInactivityMillis < 0 || connectTimeoutMillis < 1) {
            throw new IllegalArgumentException("max inactivity must not be negative and connect timeout at least 1 ms");
        }
        if (maxPendingSends < 1) {
            throw new IllegalArgumentException("the pending-send window must be at least 1");
        }
    }

    public static OpenwireSettings defaults() {
        // The cache off: a consumer gets a message in the bytes its producer sent (ReceivedFrame), which needs
        // both connections uncached; the cache would save a few bytes per command at more CPU than it saves.
        return new OpenwireSettings(64 * 1024 * 1024, 30_000, 30_000, 256, false, true, false);
    }

    public OpenwireSettings withMaxFrameSize(int v) {
        return new OpenwireSettings(v, maxInactivityMillis, connectTimeoutMillis, maxPendingSends, cacheEnabled,
                tightEncodingEnabled, sendFailIfNoSpace);
    }

    public OpenwireSettings withMaxInactivityMillis(long v) {
        return new OpenwireSettings(maxFrameSize, v, connectTimeoutMillis, maxPendingSends, cacheEnabled,
                tightEncodingEnabled, sendFailIfNoSpace);
    }

    public OpenwireSettings withConnectTimeoutMillis(long v) {
        return new OpenwireSettings(maxFrameSize, maxInactivityMillis, v, maxPendingSends, cacheEnabled,
                tightEncodingEnabled, sendFailIfNoSpace);
    }

    public OpenwireSettings withMaxPendingSends(int v) {
        return new OpenwireSettings(maxFrameSize, maxInactivityMillis, connectTimeoutMillis, v, cacheEnabled,
                tightEncodingEnabled, sendFailIfNoSpace);
    }

    public OpenwireSettings withCacheEnabled(boolean v) {
        return new OpenwireSettings(maxFrameSize, maxInactivityMillis, connectTimeoutMillis, maxPendingSends, v,
                tightEncodingEnabled, sendFailIfNoSpace);
    }

    public OpenwireSettings withTightEncodingEnabled(boolean v) {
        return new OpenwireSettings(maxFrameSize, maxInactivityMillis, connectTimeoutMillis, maxPendingSends,
                cacheEnabled, v, sendFailIfNoSpace);
    }

    public OpenwireSettings withSendFailIfNoSpace(boolean v) {
        return new OpenwireSettings(maxFrameSize, maxInactivityMillis, connectTimeoutMillis, maxPendingSends,
                cacheEnabled, tightEncodingEnabled, v);
    }
}
