package io.ferrymq.bench.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A process's system-call and scheduling counters so far, from Linux's {@code /proc/PID/io} (read and write calls
 * and their bytes, sockets included) and {@code /proc/PID/task/TID/status} (voluntary and involuntary context
 * switches of every thread): per message, these say how a broker talks to its sockets (how many writes a message
 * costs, how many wake-ups) and, unlike times, hardly change when the machine is busy.
 *
 * @param readCalls       read system calls (read, readv, recv...)
 * @param writeCalls      write system calls (write, writev, send...)
 * @param bytesRead       bytes those read calls returned
 * @param bytesWritten    bytes those write calls took
 * @param contextSwitches voluntary and involuntary context switches of the threads alive now
 */
public record ProcessCounters(long readCalls, long writeCalls, long bytesRead, long bytesWritten, long contextSwitches) {

    /** The counters of process {@code pid} now (reading another process's needs the right to trace it). */
    public static ProcessCounters of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            ProcessCounters io = parseIo(Files.readString(proc.resolve("io")));
            long switches = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
                for (Path task : tasks) {
                    try {
                        switches += parseContextSwitches(Files.readString(task.resolve("status")));
                    } catch (NoSuchFileException ended) {
                        // the thread ended between the listing and the read: its switches are gone with it
                    }
                }
            }
            return new ProcessCounters(io.readCalls, io.writeCalls, io.bytesRead, io.bytesWritten, switches);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the counters of process " + pid, e);
        }
    }

    /** These counters less {@code earlier}'s. */
    public ProcessCounters minus(ProcessCounters earlier) {
        return new ProcessCounters(readCalls - earlier.readCalls, writeCalls - earlier.writeCalls,
                bytesRead - earlier.bytesRead, bytesWritten - earlier.bytesWritten,
                contextSwitches - earlier.contextSwitches);
    }

    /** syscr, syscw, rchar and wchar of an io file; context switches 0. */
    static ProcessCounters parseIo(String io) {
        return new ProcessCounters(field(io, "syscr"), field(io, "syscw"), field(io, "rchar"), field(io, "wchar"), 0);
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
