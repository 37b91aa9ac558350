package io.ferrymq.bench.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.bench.stats.LatencySummary;

import java.time.Instant;
import java.util.Locale;

/** The journal benchmark's human table and JSON. */
public final class JournalReport {

    /** The goal: with 16 producers, well over this multiple of the one-fsync-per-message rate. */
    public static final double GOAL_MULTIPLE = 10;
    public static final int GOAL_PRODUCERS = 16;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JournalReport() {
    }

    public static String render(JournalBenchResult r) {
        JournalBenchSpec s = r.spec();
        StringBuilder b = new StringBuilder();
        line(b, "journal", String.format(Locale.ROOT, "%s (%s), fsync %s, %d B messages", s.directory(), r.fileSystem(),
                s.fsync() ? "on" : "OFF", s.messageSize()));
        line(b, "rounds", String.format(Locale.ROOT, "%d, each: raw probes, then %s producer(s); %.1f s warm-up + %.1f s"
                + " measured per step; figures are medians over rounds", s.rounds(), s.producers(),
                s.warmup().toMillis() / 1000.0, s.duration().toMillis() / 1000.0));
        for (JournalBenchResult.RawSummary f : r.rawSummaries()) {
            line(b, "raw fsync", String.format(Locale.ROOT,
                    "%-21s %7.0f fsyncs/s  (%.0f-%.0f over rounds; %d B write + fsync p50 %.3f ms)",
                    f.mode().description() + ":", f.medianPerSec(), f.minPerSec(), f.maxPerSec(), s.probeRecordSize(),
                    f.medianP50Micros() / 1000));
        }
        double limit = r.oneFsyncPerMessageLimit();
        JournalBenchResult.StepSummary one = r.smallest();
        line(b, "limit", String.format(Locale.ROOT, "one fsync per message: at most %.0f msg/s (the better raw median)",
                limit));
        b.append('\n');
        b.append(String.format(Locale.ROOT, "  %9s %10s %17s %10s %11s %11s %8s %8s %10s %10s%n", "producers", "msg/s",
                "(min-max)", "fsyncs/s", "fsyncs/msg", "msgs/fsync", "x limit", "x " + one.producers() + "p",
                "p50 ms", "p99 ms"));
        for (JournalBenchResult.StepSummary p : r.stepSummaries()) {
            b.append(String.format(Locale.ROOT, "  %9d %10.0f %17s %10.0f %11.3f %11.1f %8.1f %8.1f %10.3f %10.3f%n",
                    p.producers(), p.medianMsgsPerSec(),
                    String.format(Locale.ROOT, "(%.0f-%.0f)", p.minMsgsPerSec(), p.maxMsgsPerSec()),
                    p.medianFsyncsPerSec(), p.fsyncsPerMessage(), p.messagesPerFsync(), p.multipleOf(limit),
                    p.multipleOf(one.medianMsgsPerSec()), p.medianP50Micros() / 1000, p.medianP99Micros() / 1000));
        }
        line(b, "", "msg/s: confirmed durable messages; fsyncs: the journal's own count; p50/p99: from an append to its"
                + " confirmation");
        b.append('\n');
        JournalBenchResult.StepSummary top = r.largest();
        double multiple = top.multipleOf(limit);
        String verdict = top.producers() < GOAL_PRODUCERS ? "   (the goal is stated for " + GOAL_PRODUCERS + " producers)"
                : multiple > GOAL_MULTIPLE ? "" : "   <-- BELOW";
        line(b, "goal", String.format(Locale.ROOT, "%d producers: %.1fx the one-fsync-per-message rate, %.1f messages per"
                + " fsync (goal: well over %.0fx with %d)%s", top.producers(), multiple, top.messagesPerFsync(),
                GOAL_MULTIPLE, GOAL_PRODUCERS, verdict));
        if (!s.fsync()) {
            line(b, "WARNING", "the journal ran with fsync OFF: these are not durable rates");
        }
        return b.toString();
    }

    public static ObjectNode json(JournalBenchResult r, String label, Instant date) {
        JournalBenchSpec s = r.spec();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("type", "journal");
        root.put("label", label);
        root.put("date", date.toString());
        root.put("cores", Runtime.getRuntime().availableProcessors());
        root.put("directory", s.directory().toString());
        root.put("fileSystem", r.fileSystem());
        root.put("fsync", s.fsync());
        root.put("messageSize", s.messageSize());
        root.put("probeRecordSize", s.probeRecordSize());
        root.put("rounds", s.rounds());
        root.put("warmupSeconds", s.warmup().toMillis() / 1000.0);
        root.put("durationSeconds", s.duration().toMillis() / 1000.0);
        double limit = r.oneFsyncPerMessageLimit();
        root.put("oneFsyncPerMessageLimit", limit);
        ArrayNode rawSummary = root.putArray("rawFsyncMedians");
        for (JournalBenchResult.RawSummary f : r.rawSummaries()) {
            ObjectNode n = rawSummary.addObject();
            n.put("mode", f.mode().name().toLowerCase(Locale.ROOT));
            n.put("fsyncsPerSec", f.medianPerSec());
            n.put("min", f.minPerSec());
            n.put("max", f.maxPerSec());
        }
        ArrayNode steps = root.putArray("steps");
        for (JournalBenchResult.StepSummary p : r.stepSummaries()) {
            ObjectNode n = steps.addObject();
            n.put("producers", p.producers());
            n.put("msgsPerSec", p.medianMsgsPerSec());
            n.put("min", p.minMsgsPerSec());
            n.put("max", p.maxMsgsPerSec());
            n.put("fsyncsPerSec", p.medianFsyncsPerSec());
            n.put("fsyncsPerMessage", p.fsyncsPerMessage());
            n.put("messagesPerFsync", p.messagesPerFsync());
            n.put("multipleOfLimit", p.multipleOf(limit));
            n.put("confirmP50Micros", p.medianP50Micros());
            n.put("confirmP99Micros", p.medianP99Micros());
        }
        ArrayNode raw = root.putArray("rawFsync");
        for (FsyncRate f : r.raw()) {
            ObjectNode n = raw.addObject();
            n.put("round", f.round());
            n.put("mode", f.mode().name().toLowerCase(Locale.ROOT));
            n.put("syncs", f.syncs());
            n.put("seconds", f.seconds());
            n.put("fsyncsPerSec", f.perSecond());
            latency(n.putObject("latencyMicros"), f.latency());
        }
        ArrayNode runs = root.putArray("runs");
        for (ProducerRun p : r.runs()) {
            ObjectNode n = runs.addObject();
            n.put("round", p.round());
            n.put("producers", p.producers());
            n.put("messages", p.messages());
            n.put("fsyncs", p.fsyncs());
            n.put("bytes", p.bytes());
            n.put("seconds", p.seconds());
            n.put("msgsPerSec", p.msgsPerSec());
            n.put("fsyncsPerSec", p.fsyncsPerSec());
            n.put("fsyncsPerMessage", p.fsyncsPerMessage());
            n.put("messagesPerFsync", p.messagesPerFsync());
            latency(n.putObject("confirmLatencyMicros"), p.confirm());
        }
        return root;
    }

    private static void latency(ObjectNode n, LatencySummary l) {
        n.put("count", l.count());
        n.put("mean", l.meanMicros());
        n.put("p50", l.p50Micros());
        n.put("p99", l.p99Micros());
        n.put("p999", l.p999Micros());
        n.put("max", l.maxMicros());
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format(Locale.ROOT, "%-11s %s%n", key, value));
    }
}
