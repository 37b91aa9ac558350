package io.ferrymq.bench.load;

/** Where a run is. */
public enum Phase {
    WARMUP,
    MEASURE,
    /** Producers stopped; waiting for confirmations and for messages still on their way. */
    DRAIN
}
