package io.ferrymq.bench.load;

import io.ferrymq.bench.driver.DestinationKind;
import io.ferrymq.bench.stats.Integrity;
import io.ferrymq.bench.stats.IntegrityAudit;
import io.ferrymq.bench.stats.SequenceTracker;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who feeds and who reads which destination in a {@link LoadSpec}, and so what every consumer should
 * receive: each message once per queue, or once per subscriber of a topic.
 */
final class Topology {

    private final LoadSpec spec;

    Topology(LoadSpec spec) {
        this.spec = spec;
    }

    /** Deliveries a run should see in all, given how many messages each producer sent. */
    long expectedDeliveries(Map<Integer, Long> sentByProducer) {
        if (spec.consumers() == 0) {
            return 0;
        }
        long total = 0;
        for (Map.Entry<Integer, Long> e : sentByProducer.entrySet()) {
            int d = spec.destinationOfProducer(e.getKey());
            total += e.getValue() * (spec.kind() == DestinationKind.QUEUE ? 1 : consumersOf(d).size());
        }
        return total;
    }

    /** Compares what each consumer (by index) received with what was sent and confirmed. */
    Integrity audit(List<SequenceTracker> consumers, Map<Integer, Long> sentByProducer,
                    Map<Integer, BitSet> confirmedByProducer) {
        Integrity total = Integrity.NONE;
        if (consumers.isEmpty()) {
            return total;
        }
        for (int d = 0; d < spec.destinations(); d++) {
            Map<Integer, Long> feeding = new HashMap<>();
            for (Map.Entry<Integer, Long> e : sentByProducer.entrySet()) {
                if (spec.destinationOfProducer(e.getKey()) == d) {
                    feeding.put(e.getKey(), e.getValue());
                }
            }
            List<SequenceTracker> readers = new ArrayList<>();
            for (int j : consumersOf(d)) {
                readers.add(consumers.get(j));
            }
            if (spec.kind() == DestinationKind.QUEUE) {
                total = total.plus(IntegrityAudit.group(readers, feeding, confirmedByProducer));
            } else {
                for (SequenceTracker subscriber : readers) {
                    total = total.plus(IntegrityAudit.group(List.of(subscriber), feeding, confirmedByProducer));
                }
            }
        }
        return total;
    }

    private List<Integer> consumersOf(int destination) {
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < spec.consumers(); j++) {
            if (spec.destinationOfConsumer(j) == destination) {
                out.add(j);
            }
        }
        return out;
    }
}
