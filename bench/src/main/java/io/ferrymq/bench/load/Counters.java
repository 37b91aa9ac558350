package io.ferrymq.bench.load;

import java.util.concurrent.atomic.LongAdder;

/** Run-wide tallies, written by producer threads and client library threads. */
final class Counters {
    final LongAdder sent = new LongAdder();
    final LongAdder sentInWindow = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder receivedInWindow = new LongAdder();
    final LongAdder confirmed = new LongAdder();
    final LongAdder confirmFailures = new LongAdder();
}
