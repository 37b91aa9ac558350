package io.ferrymq.aws.firehose;

/** When a batch is flushed: once it holds {@code sizeBytes}, or its oldest record is {@code intervalMillis} old. */
record Buffering(long sizeBytes, long intervalMillis) {

    static final long MIB = 1024 * 1024;

    /** BufferingHints as AWS reads them: SizeInMBs 1 to {@code maxMiB} (default 5), IntervalInSeconds 0 to 900 (300). */
    static Buffering from(FirehoseInput hints, int maxMiB) {
        if (hints == null) {
            return new Buffering(5 * MIB, 300_000);
        }
        int size = hints.integer("SizeInMBs", 5, 1, maxMiB);
        int seconds = hints.integer("IntervalInSeconds", 300, 0, 900);
        return new Buffering(size * MIB, seconds * 1000L);
    }
}
