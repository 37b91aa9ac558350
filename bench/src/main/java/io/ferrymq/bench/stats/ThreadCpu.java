package io.ferrymq.bench.stats;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU time (user + system) a process's threads have used so far, from Linux's
 * {@code /proc/PID/task/TID/stat}, summed per thread group as {@link ThreadSwitches} groups them
 * ({@code ferrymq-io-3-1} and {@code ferrymq-io-3-2} count as {@code ferrymq-io}). Says which of the broker's
 * threads a difference in CPU per message comes from: event loops, queue workers, garbage collector, compiler.
 */
public final class ThreadCpu {

    private ThreadCpu() {
    }

    /** CPU nanoseconds so far per thread group of {@code pid}; threads that ended are missing. */
    public static Map<String, Long> byGroup(long pid) {
        Map<String, Long> out = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    long nanos = ProcessCpu.parseStatNanos(Files.readString(task.resolve("stat")));
                    out.merge(ThreadSwitches.group(name), nanos, Long::sum);
                } catch (NoSuchFileException gone) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
