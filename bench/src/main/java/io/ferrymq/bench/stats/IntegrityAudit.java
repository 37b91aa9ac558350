package io.ferrymq.bench.stats;

import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * Compares what was sent with what was received. A <em>receiving group</em> is a set of consumers
 * that together should get each message of some producers exactly once: all consumers of one queue,
 * or one topic subscriber on its own.
 */
public final class IntegrityAudit {

    private IntegrityAudit() {
    }

    /** As {@link #group(List, Map, Map)} for sends that asked for no confirmation. */
    public static Integrity group(List<SequenceTracker> consumers, Map<Integer, Long> sentByProducer) {
        return group(consumers, sentByProducer, Map.of());
    }

    /**
     * @param consumers           the group's trackers
     * @param sentByProducer      how many messages each producer feeding this group sent (sequences 0..n-1)
     * @param confirmedByProducer which of them the broker confirmed, per producer (absent: none)
     */
    public static Integrity group(List<SequenceTracker> consumers, Map<Integer, Long> sentByProducer,
                                  Map<Integer, BitSet> confirmedByProducer) {
        long expected = 0;
        long lost = 0;
        long duplicated = 0;
        long outOfOrder = 0;
        long unexpected = 0;
        long lostConfirmed = 0;
        long fromGroupProducers = 0;
        for (Map.Entry<Integer, Long> e : sentByProducer.entrySet()) {
            int producer = e.getKey();
            long sent = e.getValue();
            BitSet union = new BitSet();
            long delivered = 0;
            for (SequenceTracker t : consumers) {
                union.or(t.seenFrom(producer));
                delivered += t.deliveriesFrom(producer);
                outOfOrder += t.outOfOrderFrom(producer);
            }
            int distinct = union.cardinality();
            int inRange = union.get(0, (int) Math.min(sent, Integer.MAX_VALUE)).cardinality();
            expected += sent;
            lost += sent - inRange;
            duplicated += delivered - distinct;
            unexpected += distinct - inRange;
            fromGroupProducers += delivered;
            BitSet confirmedButMissing = (BitSet) confirmedByProducer.getOrDefault(producer, new BitSet()).clone();
            confirmedButMissing.clear((int) Math.min(sent, Integer.MAX_VALUE), Integer.MAX_VALUE);
            confirmedButMissing.andNot(union);
            lostConfirmed += confirmedButMissing.cardinality();
        }
        long all = 0;
        for (SequenceTracker t : consumers) {
            all += t.deliveries();
        }
        unexpected += all - fromGroupProducers; // unstamped, or from a producer that does not feed this group
        return new Integrity(expected, all, lost, duplicated, outOfOrder, unexpected, lostConfirmed);
    }
}
