package io.ferrymq.bench.load;

/** The measured part of a run on the {@link System#nanoTime} scale: from the end of warm-up for the duration. */
record MeasurementWindow(long startNanos, long endNanos) {

    boolean contains(long nanos) {
        return nanos >= startNanos && nanos < endNanos;
    }

    double seconds() {
        return (endNanos - startNanos) / 1e9;
    }
}
