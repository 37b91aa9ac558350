package io.ferrymq.bench.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's resident set size from Linux's {@code /proc/PID/status}. */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /** The VmRSS of {@code pid} in KiB. */
    public static long rssKiB(long pid) throws IOException {
        return parseVmRssKiB(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
    }

    /** The {@code VmRSS:} line of a status file, in KiB. */
    static long parseVmRssKiB(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                if (parts.length == 2 && parts[1].equals("kB")) {
                    return Long.parseLong(parts[0]);
                }
            }
        }
        throw new IllegalArgumentException("no 'VmRSS: N kB' line in the process status");
    }
}
