package io.ferrymq.bench.stats;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The context switches (voluntary + involuntary) a process's threads have made so far, from Linux's
 * {@code /proc/PID/task/TID/status}, summed per thread group: the thread's name without its trailing number
 * ({@code ferrymq-io-3-1} and {@code ferrymq-io-3-2} count as {@code ferrymq-io}). A message that crosses threads
 * costs a wake-up and, with the broker on one core, a switch; switches per message count those crossings in a way
 * that other load on the machine barely changes.
 */
public final class ThreadSwitches {

    private ThreadSwitches() {
    }

    /** Switches so far per thread group of {@code pid}; threads that ended are missing. */
    public static Map<String, Long> byGroup(long pid) {
        Map<String, Long> out = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    long n = parseSwitches(Files.readString(task.resolve("status")));
                    out.merge(group(name), n, Long::sum);
                } catch (NoSuchFileException gone) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** voluntary_ctxt_switches + nonvoluntary_ctxt_switches of a status file. */
    static long parseSwitches(String status) {
        long n = 0;
        for (String line : status.split("\n")) {
            if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return n;
    }

    /** A thread name without trailing digits and separators (comm is cut to 15 characters). */
    static String group(String name) {
        int end = name.length();
        while (end > 0 && (Character.isDigit(name.charAt(end - 1)) || name.charAt(end - 1) == '-'
                || name.charAt(end - 1) == '#' || name.charAt(end - 1) == ' ')) {
            end--;
        }
        return end == 0 ? name : name.substring(0, end);
    }
}
