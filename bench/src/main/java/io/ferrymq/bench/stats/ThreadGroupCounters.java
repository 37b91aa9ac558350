package io.ferrymq.bench.stats;

/**
 * The summed counters of a process's threads of one group ({@link ThreadSample#group}).
 *
 * @param cpuNanos        user + system CPU time
 * @param contextSwitches voluntary and involuntary context switches
 */
public record ThreadGroupCounters(long cpuNanos, long contextSwitches) {

    static final ThreadGroupCounters ZERO = new ThreadGroupCounters(0, 0);

    ThreadGroupCounters plus(ThreadGroupCounters other) {
        return new ThreadGroupCounters(cpuNanos + other.cpuNanos, contextSwitches + other.contextSwitches);
    }

    ThreadGroupCounters minus(ThreadGroupCounters earlier) {
        return new ThreadGroupCounters(cpuNanos - earlier.cpuNanos, contextSwitches - earlier.contextSwitches);
    }
}
