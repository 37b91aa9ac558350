package io.ferrymq.bench.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A JVM process's CPU time so far, split into its JIT compiler threads' and the rest, and its threads' context
 * switches, from Linux's {@code /proc/PID/stat} and {@code /proc/PID/task/TID/stat|status}. The split matters for
 * short benchmark runs: seconds after a broker starts, its C2 compiler can still take a third of its CPU, more for
 * a configuration that runs more code (TLS), so the process's whole CPU time per message measures the compiler as
 * much as the broker. Context switches per message say how often the broker's threads wake up and wait.
 *
 * @param cpuNanos         user + system CPU time of the whole process
 * @param compilerCpuNanos that of the JIT compiler threads alive now (C1 and C2 CompilerThread)
 * @param contextSwitches  voluntary and involuntary context switches of the threads alive now
 */
public record ProcessCounters(long cpuNanos, long compilerCpuNanos, long contextSwitches) {

    /** The counters of process {@code pid} now. */
    public static ProcessCounters of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        long compiler = 0;
        long switches = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    if (isCompilerThread(stat)) {
                        compiler += ProcessCpu.parseStatNanos(stat);
                    }
                    switches += parseContextSwitches(Files.readString(task.resolve("status")));
                } catch (NoSuchFileException ended) {
                    // the thread ended between the listing and the read: its counters are gone with it
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the threads of process " + pid, e);
        }
        return new ProcessCounters(ProcessCpu.nanos(pid), compiler, switches);
    }

    /** These counters less {@code earlier}'s. */
    public ProcessCounters minus(ProcessCounters earlier) {
        return new ProcessCounters(cpuNanos - earlier.cpuNanos, compilerCpuNanos - earlier.compilerCpuNanos,
                contextSwitches - earlier.contextSwitches);
    }

    /** The process's CPU time less its compiler threads': the broker's own work, with its garbage collection. */
    public long nonCompilerCpuNanos() {
        return cpuNanos - compilerCpuNanos;
    }

    /** Whether a task's stat line is a HotSpot JIT compiler thread's ("C1 CompilerThre", "C2 CompilerThre"). */
    static boolean isCompilerThread(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            return false;
        }
        String comm = stat.substring(open + 1, close);
        return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
    }

    /** voluntary_ctxt_switches + nonvoluntary_ctxt_switches of a status file. */
    static long parseContextSwitches(String status) {
        return field(status, "voluntary_ctxt_switches") + field(status, "nonvoluntary_ctxt_switches");
    }

    private static long field(String text, String name) {
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equals(name)) {
                return Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        throw new IllegalArgumentException("no " + name + " field");
    }
}
