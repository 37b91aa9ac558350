package io.ferrymq.bench.stats;

/**
 * One thread's counters so far, from Linux's {@code /proc/PID/task/TID/stat} (name, CPU time) and {@code status}
 * (context switches).
 *
 * @param name            the thread's name as the kernel keeps it (cut to 15 characters)
 * @param cpuNanos        user + system CPU time
 * @param contextSwitches voluntary and involuntary context switches
 */
public record ThreadSample(String name, long cpuNanos, long contextSwitches) {

    /** The sample of a thread from the contents of its stat and status files. */
    static ThreadSample parse(String stat, String status) {
        return new ThreadSample(name(stat), ProcessCpu.parseStatNanos(stat), parseContextSwitches(status));
    }

    /**
     * The thread's group: its name without its trailing number, so that {@code ferrymq-io-3-1} and
     * {@code ferrymq-io-3-2} count as {@code ferrymq-io}, and all of HotSpot's {@code C2 CompilerThread}s as one.
     */
    public String group() {
        int end = name.length();
        while (end > 0 && isNumberingChar(name.charAt(end - 1))) {
            end--;
        }
        return end == 0 ? name : name.substring(0, end);
    }

    private static boolean isNumberingChar(char c) {
        return Character.isDigit(c) || c == '-' || c == '#' || c == ' ';
    }

    /** The command name of a stat line: between the first '(' and the last ')', as it may contain either. */
    static String name(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a /proc/PID/task/TID/stat line");
        }
        return stat.substring(open + 1, close);
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
