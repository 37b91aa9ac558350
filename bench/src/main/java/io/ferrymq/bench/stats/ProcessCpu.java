package io.ferrymq.bench.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time (user + system) a process has used so far, from Linux's {@code /proc/PID/stat}, for the broker's CPU
 * cost per message: on a machine shared with other work a steadier measure of a broker than its msg/s, which also
 * depends on how much of the cores it got.
 */
public final class ProcessCpu {

    /** USER_HZ, the unit of the stat file's times: 100 on every Linux architecture Java runs on. */
    static final long TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** CPU nanoseconds {@code pid} has used. */
    public static long nanos(long pid) {
        try {
            return parseStatNanos(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
    }

    /** utime + stime (fields 14 and 15) of a stat line, in nanoseconds. */
    static long parseStatNanos(String stat) {
        int close = stat.lastIndexOf(')'); // the command name (field 2) may contain spaces and parentheses
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line");
        }
        String[] f = stat.substring(close + 1).trim().split("\\s+");
        if (f.length < 13) {
            throw new IllegalArgumentException("not a /proc/PID/stat line");
        }
        // f[0] is field 3 (state): utime is field 14, stime field 15
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }
}
