package io.ferrymq.bench.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Errors that links report asynchronously (ERROR frames, transport failures): counted, and the first
 * few kept word for word for the report.
 */
public final class DriverErrors {

    private static final int KEPT = 10;

    private final AtomicLong count = new AtomicLong();
    private final List<String> first = new ArrayList<>();

    public void report(String what) {
        count.incrementAndGet();
        synchronized (first) {
            if (first.size() < KEPT) {
                first.add(what);
            }
        }
    }

    public long count() {
        return count.get();
    }

    public List<String> firstFew() {
        synchronized (first) {
            return List.copyOf(first);
        }
    }
}
