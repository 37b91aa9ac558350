package io.ferrymq.bench.load;

import io.ferrymq.bench.stats.Integrity;
import io.ferrymq.bench.stats.LatencySummary;
import io.ferrymq.bench.stats.Throughput;

import java.util.List;

/**
 * What a run measured.
 *
 * @param sent            sends in the measured window
 * @param received        deliveries in the measured window (all consumers)
 * @param latency         end-to-end latency of deliveries in the window (send to receive)
 * @param confirmLatency  send to confirmation (receipt), over the whole run; empty without confirmations
 * @param integrity       loss, duplicates and reordering over the whole run, warm-up and drain included
 * @param unconfirmed     sends still unconfirmed when the run gave up waiting
 * @param errorCount      errors reported by the client library (ERROR frames, transport failures)
 * @param errors          the first few of them
 */
public record RunResult(LoadSpec spec, String runId, double measuredSeconds, Throughput sent, Throughput received,
                        LatencySummary latency, LatencySummary confirmLatency, long confirmed, long confirmFailures,
                        long unconfirmed, Integrity integrity, long errorCount, List<String> errors) {
}
