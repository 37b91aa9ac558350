package io.ferrymq.bench.stats;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What one consumer received, per producer: which sequence numbers (a bit set), how many deliveries in
 * all, and how many first deliveries arrived after a higher sequence number of the same producer
 * (reordering). Fed by one consumer's callbacks; read by {@link IntegrityAudit} after the run.
 */
public final class SequenceTracker {

    /** One producer as one consumer saw it. */
    static final class ProducerTrack {
        final BitSet seen = new BitSet();
        long deliveries;
        long duplicates;
        long outOfOrder;
        long highest = -1;
    }

    private final Map<Integer, ProducerTrack> producers = new HashMap<>();
    private long unstamped;

    /** Records one delivery of {@code sequence} from {@code producer}. */
    public synchronized void record(int producer, long sequence) {
        if (sequence < 0 || sequence > Integer.MAX_VALUE) {
            unstamped++;
            return;
        }
        ProducerTrack t = producers.computeIfAbsent(producer, p -> new ProducerTrack());
        t.deliveries++;
        int seq = (int) sequence;
        if (t.seen.get(seq)) {
            t.duplicates++;
            return;
        }
        t.seen.set(seq);
        if (seq < t.highest) {
            t.outOfOrder++;
        } else {
            t.highest = seq;
        }
    }

    /** A delivery without a stamp: sent by someone else, or mangled by the broker. */
    public synchronized void recordUnstamped() {
        unstamped++;
    }

    public synchronized long deliveries() {
        long n = unstamped;
        for (ProducerTrack t : producers.values()) {
            n += t.deliveries;
        }
        return n;
    }

    public synchronized long unstamped() {
        return unstamped;
    }

    /** How many deliveries this consumer had from {@code producer}. */
    public synchronized long deliveriesFrom(int producer) {
        ProducerTrack t = producers.get(producer);
        return t == null ? 0 : t.deliveries;
    }

    /** A copy of the sequence numbers seen from {@code producer}. */
    synchronized BitSet seenFrom(int producer) {
        ProducerTrack t = producers.get(producer);
        return t == null ? new BitSet() : (BitSet) t.seen.clone();
    }

    synchronized long outOfOrderFrom(int producer) {
        ProducerTrack t = producers.get(producer);
        return t == null ? 0 : t.outOfOrder;
    }
}
