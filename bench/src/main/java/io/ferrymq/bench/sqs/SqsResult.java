package io.ferrymq.bench.sqs;

import io.ferrymq.bench.stats.Integrity;
import io.ferrymq.bench.stats.LatencySummary;
import io.ferrymq.bench.stats.Throughput;

import java.util.List;

/**
 * The outcome of one {@link SqsBench} run.
 *
 * @param window          counts inside the measured window
 * @param total           counts over the whole run (warm-up and drain included)
 * @param sendLatency     SendMessageBatch request latency (window)
 * @param receiveLatency  ReceiveMessage request latency, empty long polls included (window)
 * @param deleteLatency   DeleteMessageBatch request latency (window)
 * @param endToEnd        from the send of a message to its arrival in a ReceiveMessage response (window)
 * @param integrity       over the whole run: a sent message counts as confirmed once SendMessageBatch listed it
 *                        as successful
 * @param leftInQueue     messages the queue still held after the drain (ApproximateNumberOfMessages, visible and
 *                        in flight), -1 if unknown: lost messages that are still queued were only not received in
 *                        time (consumers slower than producers, or a drain timeout too short), not lost by the broker
 * @param brokerCpuSeconds the broker process's CPU time in the window; -1 if not measured
 */
public record SqsResult(SqsSpec spec, String runId, String queueUrl, double measuredSeconds, SqsCounts window,
                        SqsCounts total, LatencySummary sendLatency, LatencySummary receiveLatency,
                        LatencySummary deleteLatency, LatencySummary endToEnd, Integrity integrity, long leftInQueue,
                        double brokerCpuSeconds, long errorCount,
                        List<String> errors) {

    public Throughput sent() {
        return Throughput.of(window.sent(), spec.messageSize(), measuredSeconds);
    }

    public Throughput received() {
        return Throughput.of(window.received(), spec.messageSize(), measuredSeconds);
    }

    public Throughput deleted() {
        return Throughput.of(window.deleted(), spec.messageSize(), measuredSeconds);
    }

    /**
     * The broker's CPU microseconds per message deleted in the window (each was sent, received and deleted once);
     * -1 if not measured or nothing was deleted.
     */
    public double brokerCpuMicrosPerMessage() {
        return brokerCpuSeconds < 0 || window.deleted() == 0 ? -1 : brokerCpuSeconds * 1e6 / window.deleted();
    }

    /** Requests of all three actions per second in the window. */
    public double requestsPerSec() {
        if (measuredSeconds <= 0) {
            return 0;
        }
        return (window.sendRequests() + window.receiveRequests() + window.deleteRequests()) / measuredSeconds;
    }
}
