package io.ferrymq.bench.sqs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.bench.report.JsonReports;
import io.ferrymq.bench.stats.Integrity;
import io.ferrymq.bench.stats.LatencySummary;
import io.ferrymq.bench.stats.Throughput;

import java.time.Instant;
import java.util.Locale;

/**
 * The human table and the JSON of an {@link SqsResult}. The JSON has the fields of the {@code run} command's
 * ({@code type: load}, {@code scenario}, {@code label}, {@code description}, {@code received.msgsPerSec},
 * {@code latencyMicros} (end-to-end), {@code integrity}), so {@code ferrymq-bench compare} takes medians and ratio
 * lines of SQS runs too, plus the SQS specifics ({@code deleted}, {@code requests}, {@code actionLatencyMicros}).
 * Latencies are in microseconds.
 */
public final class SqsReport {

    private SqsReport() {
    }

    public static String table(SqsResult r, String label) {
        SqsSpec s = r.spec();
        StringBuilder b = new StringBuilder();
        line(b, "run", (label == null ? "" : label + ": ") + s.label() + " (run " + r.runId() + ", " + r.queueUrl() + ")");
        line(b, "load", String.format(Locale.ROOT,
                "%d producer(s) x SendMessageBatch of %d x %d B; %d consumer(s) x ReceiveMessage (max %d, wait %d s) "
                        + "+ DeleteMessageBatch; %s queue",
                s.producers(), s.batchSize(), s.messageSize(), s.consumers(), s.maxMessages(), s.waitTimeSeconds(),
                s.fifo() ? "FIFO (" + s.fifoGroups() + " groups per producer)" : "standard"));
        line(b, "window", String.format(Locale.ROOT, "%.1f s measured after %.1f s warm-up", r.measuredSeconds(),
                s.warmup().toMillis() / 1000.0));
        b.append('\n');
        SqsCounts w = r.window();
        b.append(String.format(Locale.ROOT, "  %-10s %12s %10s %8s %10s %10s  %s%n", "", "messages", "msg/s", "MB/s",
                "requests", "req/s", "notes"));
        rate(b, "sent", r.sent(), w.sendRequests(), r.measuredSeconds(),
                String.format(Locale.ROOT, "%.1f msgs/request, %d entries failed", w.sentPerRequest(), w.sendFailed()));
        rate(b, "received", r.received(), w.receiveRequests(), r.measuredSeconds(),
                String.format(Locale.ROOT, "%.1f msgs/non-empty request, %d empty", w.receivedPerRequest(),
                        w.emptyReceives()));
        rate(b, "deleted", r.deleted(), w.deleteRequests(), r.measuredSeconds(),
                String.format(Locale.ROOT, "%d entries failed", w.deleteFailed()));
        if (r.brokerCpuSeconds() >= 0) {
            b.append(String.format(Locale.ROOT, "  %-10s %.2f s of CPU in the window = %.0f µs per message (%.2f cores)%n",
                    "broker", r.brokerCpuSeconds(), r.brokerCpuMicrosPerMessage(),
                    r.measuredSeconds() > 0 ? r.brokerCpuSeconds() / r.measuredSeconds() : 0));
        }
        b.append('\n');
        b.append(String.format(Locale.ROOT, "  %-18s %9s %9s %9s %9s %9s %10s%n", "latency ms", "p50", "p99", "p99.9",
                "max", "mean", "count"));
        latency(b, "SendMessageBatch", r.sendLatency());
        latency(b, "ReceiveMessage", r.receiveLatency());
        latency(b, "DeleteMessageBatch", r.deleteLatency());
        latency(b, "end-to-end", r.endToEnd());
        b.append('\n');
        Integrity i = r.integrity();
        line(b, "integrity", String.format(Locale.ROOT,
                "%d sent (%d accepted), %d delivered, %d lost (%d of them accepted), %d duplicated, %d out of order, "
                        + "%d unexpected%s",
                i.expected(), r.total().sent(), i.delivered(), i.lost(), i.lostConfirmed(), i.duplicated(),
                i.outOfOrder(), i.unexpected(), clean(r) ? "" : "   <-- NOT CLEAN"));
        if (i.lost() > 0) {
            line(b, "", r.leftInQueue() < 0 ? "the queue's message count after the drain is unknown"
                    : r.leftInQueue() + " message(s) still in the queue after the drain"
                            + (r.leftInQueue() >= i.lost() ? " (so not lost: received too slowly; try a longer "
                            + "--drain-timeout)" : ""));
        }
        if (r.errorCount() > 0) {
            line(b, "errors", r.errorCount() + ", first: " + String.join(" | ", r.errors()));
        }
        return b.toString();
    }

    /**
     * Nothing duplicated or unexpected, and every accepted message received, or (when the consumers could not keep
     * up) still in the queue.
     */
    static boolean clean(SqsResult r) {
        Integrity i = r.integrity();
        boolean stillQueued = r.leftInQueue() >= 0 && r.leftInQueue() >= i.lostConfirmed();
        return (i.lostConfirmed() == 0 || stillQueued) && i.duplicated() == 0 && i.unexpected() == 0;
    }

    public static ObjectNode json(SqsResult r, String label, Instant date) {
        SqsSpec s = r.spec();
        ObjectNode root = JsonReports.header("load", new JsonReports.Context(label, s.scenarioName(), date), s.label());
        ObjectNode spec = root.putObject("spec");
        spec.put("protocol", "sqs");
        spec.put("kind", s.fifo() ? "fifo" : "standard");
        spec.put("producers", s.producers());
        spec.put("consumers", s.consumers());
        spec.put("batchSize", s.batchSize());
        spec.put("messageSize", s.messageSize());
        spec.put("maxMessages", s.maxMessages());
        spec.put("waitTimeSeconds", s.waitTimeSeconds());
        spec.put("fifoGroups", s.fifoGroups());
        spec.put("warmupSeconds", s.warmup().toMillis() / 1000.0);
        spec.put("durationSeconds", s.duration().toMillis() / 1000.0);
        root.put("runId", r.runId());
        root.put("queueUrl", r.queueUrl());
        root.put("measuredSeconds", r.measuredSeconds());
        JsonReports.throughput(root.putObject("sent"), r.sent());
        JsonReports.throughput(root.putObject("received"), r.received());
        JsonReports.throughput(root.putObject("deleted"), r.deleted());
        JsonReports.latency(root.putObject("latencyMicros"), r.endToEnd());
        ObjectNode actions = root.putObject("actionLatencyMicros");
        JsonReports.latency(actions.putObject("SendMessageBatch"), r.sendLatency());
        JsonReports.latency(actions.putObject("ReceiveMessage"), r.receiveLatency());
        JsonReports.latency(actions.putObject("DeleteMessageBatch"), r.deleteLatency());
        counts(root.putObject("window"), r.window());
        counts(root.putObject("total"), r.total());
        root.put("requestsPerSec", r.requestsPerSec());
        root.put("brokerCpuSeconds", r.brokerCpuSeconds());
        root.put("brokerCpuMicrosPerMessage", r.brokerCpuMicrosPerMessage());
        ObjectNode integrity = root.putObject("integrity");
        JsonReports.integrity(integrity, r.integrity());
        integrity.put("leftInQueue", r.leftInQueue());
        integrity.put("clean", clean(r));
        JsonReports.errors(root.putObject("errors"), r.errorCount(), r.errors());
        return root;
    }

    private static void rate(StringBuilder b, String name, Throughput t, long requests, double seconds, String notes) {
        b.append(String.format(Locale.ROOT, "  %-10s %12d %10.0f %8.2f %10d %10.0f  %s%n", name, t.messages(),
                t.msgsPerSec(), t.mbPerSec(), requests, seconds > 0 ? requests / seconds : 0, notes));
    }

    private static void latency(StringBuilder b, String name, LatencySummary l) {
        b.append(String.format(Locale.ROOT, "  %-18s %9.3f %9.3f %9.3f %9.3f %9.3f %10d%n", name, l.p50Micros() / 1000.0,
                l.p99Micros() / 1000.0, l.p999Micros() / 1000.0, l.maxMicros() / 1000.0, l.meanMicros() / 1000.0,
                l.count()));
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format(Locale.ROOT, "%-11s %s%n", key, value));
    }

    private static void counts(ObjectNode n, SqsCounts c) {
        n.put("sent", c.sent());
        n.put("sendFailed", c.sendFailed());
        n.put("sendRequests", c.sendRequests());
        n.put("received", c.received());
        n.put("receiveRequests", c.receiveRequests());
        n.put("emptyReceives", c.emptyReceives());
        n.put("deleted", c.deleted());
        n.put("deleteFailed", c.deleteFailed());
        n.put("deleteRequests", c.deleteRequests());
        n.put("requestErrors", c.requestErrors());
    }
}
