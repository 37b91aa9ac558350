package io.ferrymq.bench.driver;

/**
 * What every benchmark message carries (as headers, properties or user properties, per protocol) so
 * that the consumer side can measure end-to-end latency and detect loss, duplicates and reordering.
 *
 * @param producer  the producing client's index in the run
 * @param sequence  0, 1, 2 ... per producer
 * @param sentNanos {@link System#nanoTime()} when it was sent (producers and consumers share one JVM)
 */
public record Stamp(int producer, long sequence, long sentNanos) {

    /** Header names, valid JMS identifiers so every broker keeps them as properties. */
    public static final String PRODUCER = "bench_producer";
    public static final String SEQUENCE = "bench_seq";
    public static final String SENT = "bench_sent";

    /** Reads a stamp from header values; null when any is missing or malformed (not a benchmark message). */
    public static Stamp parse(String producer, String sequence, String sent) {
        if (producer == null || sequence == null || sent == null) {
            return null;
        }
        try {
            return new Stamp(Integer.parseInt(producer), Long.parseLong(sequence), Long.parseLong(sent));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
