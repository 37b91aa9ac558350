package io.ferrymq.bench.sqs;

import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link SqsCounts}, updated by every client thread. */
final class SqsCounters {

    final LongAdder sent = new LongAdder();
    final LongAdder sendFailed = new LongAdder();
    final LongAdder sendRequests = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder receiveRequests = new LongAdder();
    final LongAdder emptyReceives = new LongAdder();
    final LongAdder deleted = new LongAdder();
    final LongAdder deleteFailed = new LongAdder();
    final LongAdder deleteRequests = new LongAdder();
    final LongAdder requestErrors = new LongAdder();

    /** A snapshot; not atomic across counters, which over seconds-long intervals does not matter. */
    SqsCounts snapshot() {
        return new SqsCounts(sent.sum(), sendFailed.sum(), sendRequests.sum(), received.sum(), receiveRequests.sum(),
                emptyReceives.sum(), deleted.sum(), deleteFailed.sum(), deleteRequests.sum(), requestErrors.sum());
    }
}
