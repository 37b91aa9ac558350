package io.ferrymq.bench.load;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The broker's context switches per received message over the measured window, per thread group: read at the
 * first and at the last progress tick of the window, like {@link BrokerCpuProbe}, so switches and messages cover
 * the same interval.
 */
public final class BrokerSwitchesProbe implements ProgressListener {

    /** Switches per received message for each thread group, and their sum. */
    public record Switches(Map<String, Double> perMessageByGroup, double perMessage, long messages) {
    }

    private final ProgressListener next;
    private final Supplier<Map<String, Long>> switches;
    private Map<String, Long> start;
    private long startReceived;
    private Switches result;

    public BrokerSwitchesProbe(ProgressListener next, Supplier<Map<String, Long>> switches) {
        this.next = next;
        this.switches = switches;
    }

    @Override
    public void onProgress(Progress p) {
        if (p.phase() == Phase.MEASURE) {
            Map<String, Long> now = switches.get();
            if (start == null) {
                start = now;
                startReceived = p.totalReceived();
            } else {
                long messages = p.totalReceived() - startReceived;
                Map<String, Double> perGroup = new TreeMap<>();
                double total = 0;
                for (Map.Entry<String, Long> e : now.entrySet()) {
                    long d = e.getValue() - start.getOrDefault(e.getKey(), 0L);
                    double per = messages == 0 ? Double.NaN : (double) d / messages;
                    if (d > 0) {
                        perGroup.put(e.getKey(), per);
                    }
                    total += d;
                }
                result = new Switches(perGroup, messages == 0 ? Double.NaN : total / messages, messages);
            }
        }
        next.onProgress(p);
    }

    /** Empty when the measured window had fewer than two progress ticks. */
    public Optional<Switches> result() {
        return Optional.ofNullable(result);
    }
}
