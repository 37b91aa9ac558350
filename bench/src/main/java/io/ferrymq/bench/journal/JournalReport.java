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

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JournalReport() {
    }

    public static String render(JournalBenchResult r) {
        JournalBenchSpec s = r.spec();
        StringBuilder b = new StringBuilder();
        line(b, "journal", String.format(Locale.ROOT, "%s (%s), fsync %s, %d B messages, %.1f s warm-up + %.1f s per step",
                s.directory(), r.fileSystem(), s.fsync() ? "on" : "OFF", s.messageSize(), s.warmup().toMillis() / 1000.0,
                s.duration().toMillis() / 1000.0));
        for (FsyncRate f : r.raw()) {
            line(b, "raw fsync", String.format(Locale.ROOT, "%-21s %8.0f fsyncs/s (%.0f us per %d B write + fsync)",
                    f.mode().description() + ":", f.perSecond(), f.meanMicros(), s.probeRecordSize()));
        }
        double limit = r.oneFsyncPerMessageLimit();
        line(b, "limit", String.format(Locale.ROOT, "one fsync per message: at most %.0f msg/s", limit));
        b.append('\n');
        b.append(String.format(Locale.ROOT, "  %9s %10s %10s %11s %11s %8s %8s %10s %10s %10s%n", "producers", "msg/s",
                "fsyncs/s", "fsyncs/msg", "msgs/fsync", "MB/s", "x limit", "p50 ms", "p99 ms", "max ms"));
        for (ProducerRun p : r.runs()) {
            LatencySummary l = p.confirm();
            b.append(String.format(Locale.ROOT, "  %9d %10.0f %10.0f %11.3f %11.1f %8.1f %8.1f %10.3f %10.3f %10.3f%n",
                    p.producers(), p.msgsPerSec(), p.fsyncsPerSec(), p.fsyncsPerMessage(), p.messagesPerFsync(),
                    p.mbPerSec(), p.multipleOf(limit), l.p50Micros() / 1000.0, l.p99Micros() / 1000.0,
                    l.maxMicros() / 1000.0));
        }
        b.append('\n');
        ProducerRun top = r.largest();
        double multiple = top.multipleOf(limit);
        line(b, "goal", String.format(Locale.ROOT, "%d producers: %.1fx the one-fsync-per-message rate (goal: well over"
                + " %.0fx)%s", top.producers(), multiple, GOAL_MULTIPLE, multiple > GOAL_MULTIPLE ? "" : "   <-- BELOW"));
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
        root.put("warmupSeconds", s.warmup().toMillis() / 1000.0);
        root.put("durationSeconds", s.duration().toMillis() / 1000.0);
        ArrayNode raw = root.putArray("rawFsync");
        for (FsyncRate f : r.raw()) {
            ObjectNode n = raw.addObject();
            n.put("mode", f.mode().name().toLowerCase(Locale.ROOT));
            n.put("syncs", f.syncs());
            n.put("seconds", f.seconds());
            n.put("fsyncsPerSec", f.perSecond());
        }
        double limit = r.oneFsyncPerMessageLimit();
        root.put("oneFsyncPerMessageLimit", limit);
        ArrayNode runs = root.putArray("runs");
        for (ProducerRun p : r.runs()) {
            ObjectNode n = runs.addObject();
            n.put("producers", p.producers());
            n.put("messages", p.messages());
            n.put("fsyncs", p.fsyncs());
            n.put("bytes", p.bytes());
            n.put("seconds", p.seconds());
            n.put("msgsPerSec", p.msgsPerSec());
            n.put("fsyncsPerSec", p.fsyncsPerSec());
            n.put("fsyncsPerMessage", p.fsyncsPerMessage());
            n.put("messagesPerFsync", p.messagesPerFsync());
            n.put("multipleOfLimit", p.multipleOf(limit));
            LatencySummary l = p.confirm();
            ObjectNode lat = n.putObject("confirmLatencyMicros");
            lat.put("count", l.count());
            lat.put("mean", l.meanMicros());
            lat.put("p50", l.p50Micros());
            lat.put("p99", l.p99Micros());
            lat.put("p999", l.p999Micros());
            lat.put("max", l.maxMicros());
        }
        return root;
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format(Locale.ROOT, "%-11s %s%n", key, value));
    }
}
