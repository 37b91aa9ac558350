package io.ferrymq.aws.kinesis;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Kinesis' per-shard limits, counted in one-second windows of the broker's clock: writes up to 1 MiB or 1,000
 * records a second, reads up to 2 MiB or 5 GetRecords calls a second. Switched off, everything is admitted.
 */
final class ShardThroughput {

    static final int WRITE_RECORDS = 1000;
    static final long WRITE_BYTES = 1024 * 1024;
    static final int READ_CALLS = 5;
    static final long READ_BYTES = 2 * 1024 * 1024;

    /** What a shard used in the current second. */
    private static final class Window {
        long second = Long.MIN_VALUE;
        long records;
        long bytes;
        long readCalls;
        long readBytes;

        void roll(long now) {
            if (now != second) {
                second = now;
                records = 0;
                bytes = 0;
                readCalls = 0;
                readBytes = 0;
            }
        }
    }

    private final boolean enabled;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    ShardThroughput(boolean enabled, LongSupplier clock) {
        this.enabled = enabled;
        this.clock = clock;
    }

    private Window window(String vhost, String stream, int shard) {
        return windows.computeIfAbsent(vhost + "\n" + stream + "\n" + shard, k -> new Window());
    }

    /** Whether the shard takes one more record of {@code bytes} this second (and counts it if so). */
    boolean admitWrite(String vhost, String stream, int shard, int bytes) {
        if (!enabled) {
            return true;
        }
        Window w = window(vhost, stream, shard);
        synchronized (w) {
            w.roll(clock.getAsLong() / 1000);
            // The first record of a second always fits: a 1 MiB record and its key make a little over 1 MiB.
            if (w.records + 1 > WRITE_RECORDS || (w.records > 0 && w.bytes + bytes > WRITE_BYTES)) {
                return false;
            }
            w.records++;
            w.bytes += bytes;
            return true;
        }
    }

    /** Whether the shard takes one more GetRecords call this second (and counts it if so). */
    boolean admitRead(String vhost, String stream, int shard) {
        if (!enabled) {
            return true;
        }
        Window w = window(vhost, stream, shard);
        synchronized (w) {
            w.roll(clock.getAsLong() / 1000);
            if (w.readCalls + 1 > READ_CALLS || w.readBytes >= READ_BYTES) {
                return false;
            }
            w.readCalls++;
            return true;
        }
    }

    /** Counts the bytes a GetRecords call returned. */
    void countRead(String vhost, String stream, int shard, long bytes) {
        if (enabled) {
            Window w = window(vhost, stream, shard);
            synchronized (w) {
                w.roll(clock.getAsLong() / 1000);
                w.readBytes += bytes;
            }
        }
    }

    /** Forgets a deleted stream's windows. */
    void forget(String vhost, String stream) {
        windows.keySet().removeIf(k -> k.startsWith(vhost + "\n" + stream + "\n"));
    }
}
