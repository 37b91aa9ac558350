package io.ferrymq.bench.load;

/**
 * The run's measurement window, set once everything is connected and read by every producer and
 * consumer thread. Before it is set nothing counts as measured.
 */
final class WindowHolder {

    private volatile MeasurementWindow window;

    void set(MeasurementWindow w) {
        this.window = w;
    }

    MeasurementWindow get() {
        return window;
    }

    boolean contains(long nanos) {
        MeasurementWindow w = window;
        return w != null && w.contains(nanos);
    }
}
