package io.ferrymq.aws.firehose;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Firehose's per-delivery-stream write quota (DirectPut), counted in one-second windows of the broker's clock:
 * 5 MiB a second, as AWS's default in its larger regions. Records over it are refused with
 * ServiceUnavailableException ("Slow down."). Switched off with the Kinesis limits.
 */
final class DeliveryThroughput {

    static final long BYTES_PER_SECOND = 5 * 1024 * 1024;

    private static final class Window {
        long second = Long.MIN_VALUE;
        long bytes;
    }

    private final boolean enabled;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    DeliveryThroughput(boolean enabled, LongSupplier clock) {
        this.enabled = enabled;
        this.clock = clock;
    }

    /** Whether the delivery stream takes one more record of {@code bytes} this second (and counts it if so). */
    boolean admit(String vhost, String stream, int bytes) {
        if (!enabled) {
            return true;
        }
        Window w = windows.computeIfAbsent(vhost + "\n" + stream, k -> new Window());
        synchronized (w) {
            long now = clock.getAsLong() / 1000;
            if (now != w.second) {
                w.second = now;
                w.bytes = 0;
            }
            if (w.bytes + bytes > BYTES_PER_SECOND) {
                return false;
            }
            w.bytes += bytes;
            return true;
        }
    }

    void forget(String vhost, String stream) {
        windows.remove(vhost + "\n" + stream);
    }
}
