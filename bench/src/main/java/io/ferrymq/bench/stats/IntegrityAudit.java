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

    /**
     * @param consumers      the group's trackers
     * @param sentByProducer how many messages each producer feeding this group sent (sequences 0..n-1)
     */
    public static Integrity group(List<SequenceTracker> consumers, Map<Integer, Long> sentByProducer) {
        long expected = 0;
        long lost = 0;
        long duplicated = 0;
        long outOfOrder = 0;
        long unexpected = 0;
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
        }
        long all = 0;
        for (SequenceTracker t : consumers) {
            all += t.deliveries();
        }
        unexpected += all - fromGroupProducers; // unstamped, or from a producer that does not feed this group
        return new Integrity(expected, all, lost, duplicated, outOfOrder, unexpected);
    }
}
