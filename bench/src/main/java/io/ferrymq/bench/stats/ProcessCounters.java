package io.ferrymq.bench.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A JVM process's CPU time so far and its live threads' CPU time and context switches summed per thread group,
 * from one walk of Linux's {@code /proc/PID/task/TID/stat|status} (plus {@code /proc/PID/stat} for the whole
 * process). Every per-thread figure of a benchmark run comes from this one sample:
 * <ul>
 *   <li>the JIT compiler threads' share of the CPU: seconds after a broker starts, its C2 compiler can still take
 *   a third of its CPU, more for a configuration that runs more code (TLS), so the process's whole CPU time per
 *   message measures the compiler as much as the broker;</li>
 *   <li>context switches, in all and per thread group: a message that crosses threads costs a wake-up and, with
 *   the broker on one core, a switch, so switches per message count those crossings in a way that other load on
 *   the machine barely changes.</li>
 * </ul>
 *
 * @param cpuNanos user + system CPU time of the whole process (threads that ended included)
 * @param groups   the counters of the threads alive at the sample, per thread group, in name order
 */
public record ProcessCounters(long cpuNanos, SortedMap<String, ThreadGroupCounters> groups) {

    public ProcessCounters {
        groups = Collections.unmodifiableSortedMap(new TreeMap<>(groups));
    }

    /** The counters of process {@code pid} now. */
    public static ProcessCounters of(long pid) {
        List<ThreadSample> threads = threads(pid);
        return of(ProcessCpu.nanos(pid), threads);
    }

    /** The counters of a process of {@code cpuNanos} whose live threads are {@code threads}. */
    static ProcessCounters of(long cpuNanos, List<ThreadSample> threads) {
        SortedMap<String, ThreadGroupCounters> groups = new TreeMap<>();
        for (ThreadSample t : threads) {
            groups.merge(t.group(), new ThreadGroupCounters(t.cpuNanos(), t.contextSwitches()),
                    ThreadGroupCounters::plus);
        }
        return new ProcessCounters(cpuNanos, groups);
    }

    private static List<ThreadSample> threads(long pid) {
        List<ThreadSample> out = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    out.add(ThreadSample.parse(Files.readString(task.resolve("stat")),
                            Files.readString(task.resolve("status"))));
                } catch (NoSuchFileException ended) {
                    // the thread ended between the listing and the read: its counters are gone with it
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the threads of process " + pid, e);
        }
        return out;
    }

    /**
     * These counters less {@code earlier}'s. Per thread group, for the groups alive now: a group that appeared
     * since counts in full, one that is gone no longer counts (its threads' counters went with them).
     */
    public ProcessCounters minus(ProcessCounters earlier) {
        SortedMap<String, ThreadGroupCounters> d = new TreeMap<>();
        for (Map.Entry<String, ThreadGroupCounters> e : groups.entrySet()) {
            d.put(e.getKey(), e.getValue().minus(earlier.groups.getOrDefault(e.getKey(), ThreadGroupCounters.ZERO)));
        }
        return new ProcessCounters(cpuNanos - earlier.cpuNanos, d);
    }

    /** The CPU time of the JIT compiler threads (C1 and C2 CompilerThread). */
    public long compilerCpuNanos() {
        long n = 0;
        for (Map.Entry<String, ThreadGroupCounters> e : groups.entrySet()) {
            if (isCompilerGroup(e.getKey())) {
                n += e.getValue().cpuNanos();
            }
        }
        return n;
    }

    /** The process's CPU time less its compiler threads': the broker's own work, with its garbage collection. */
    public long nonCompilerCpuNanos() {
        return cpuNanos - compilerCpuNanos();
    }

    /** The context switches of all the thread groups. */
    public long contextSwitches() {
        long n = 0;
        for (ThreadGroupCounters g : groups.values()) {
            n += g.contextSwitches();
        }
        return n;
    }

    /** Whether a thread group is HotSpot's JIT compiler threads' ("C1 CompilerThre", "C2 CompilerThre"). */
    static boolean isCompilerGroup(String group) {
        return group.startsWith("C1 CompilerThre") || group.startsWith("C2 CompilerThre");
    }
}
