package io.ferrymq.core.testing;

import io.ferrymq.core.exec.Clock;

/** Virtual time for tests: moves only when told. */
public final class ManualClock implements Clock {

    private volatile long now;

    public ManualClock(long start) {
        this.now = start;
    }

    @Override
    public long millis() {
        return now;
    }

    void set(long t) {
        now = t;
    }
}
