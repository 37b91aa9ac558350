package io.ferrymq.bench.report;

import io.ferrymq.bench.load.LoadSpec;
import io.ferrymq.bench.load.RunResult;
import io.ferrymq.bench.scenario.ConnectionScaleResult;
import io.ferrymq.bench.stats.Integrity;
import io.ferrymq.bench.stats.LatencySummary;

import java.util.Locale;

/** The human-readable report of one run. */
public final class ReportTable {

    private ReportTable() {
    }

    public static String render(RunResult r, String label) {
        LoadSpec s = r.spec();
        StringBuilder b = new StringBuilder();
        line(b, "run", (label == null ? "" : label + ": ") + s.label() + " (run " + r.runId() + ")");
        line(b, "load", String.format(Locale.ROOT, "%d B messages, ack %s%s, prefetch %s, confirm window %s, rate %s",
                s.messageSize(), s.ackMode().stompName(),
                s.ackMode().name().equals("CLIENT") ? " every " + s.ackEvery() : "",
                s.prefetch() == 0 ? "broker default" : Integer.toString(s.prefetch()),
                s.confirmWindow() == 0 ? "none" : Integer.toString(s.confirmWindow()),
                s.rate() == 0 ? "max" : String.format(Locale.ROOT, "%.0f msg/s", s.rate())));
        line(b, "window", String.format(Locale.ROOT, "%.1f s measured after %.1f s warm-up", r.measuredSeconds(),
                s.warmup().toMillis() / 1000.0));
        b.append('\n');
        b.append(String.format(Locale.ROOT, "  %-10s %14s %12s %12s%n", "", "messages", "msg/s", "MB/s"));
        b.append(String.format(Locale.ROOT, "  %-10s %14d %12.0f %12.2f%n", "sent", r.sent().messages(),
                r.sent().msgsPerSec(), r.sent().mbPerSec()));
        b.append(String.format(Locale.ROOT, "  %-10s %14d %12.0f %12.2f%n", "received", r.received().messages(),
                r.received().msgsPerSec(), r.received().mbPerSec()));
        b.append('\n');
        b.append(String.format(Locale.ROOT, "  %-10s %10s %10s %10s %10s %10s%n", "latency ms", "p50", "p99", "p99.9",
                "max", "mean"));
        latency(b, "end-to-end", r.latency());
        if (r.confirmLatency().count() > 0) {
            latency(b, "confirm", r.confirmLatency());
        }
        b.append('\n');
        Integrity i = r.integrity();
        line(b, "integrity", String.format(Locale.ROOT,
                "%d expected, %d delivered, %d lost (%d of them confirmed), %d duplicated, %d out of order, "
                        + "%d unexpected%s",
                i.expected(), i.delivered(), i.lost(), i.lostConfirmed(), i.duplicated(), i.outOfOrder(), i.unexpected(),
                i.clean() ? "" : "   <-- NOT CLEAN"));
        if (r.confirmFailures() > 0 || r.unconfirmed() > 0) {
            line(b, "confirms", r.confirmed() + " confirmed, " + r.confirmFailures() + " failed, " + r.unconfirmed()
                    + " never confirmed");
        }
        if (r.errorCount() > 0) {
            line(b, "errors", r.errorCount() + ", first: " + String.join(" | ", r.errors()));
        }
        return b.toString();
    }

    public static String render(ConnectionScaleResult r, String label) {
        StringBuilder b = new StringBuilder();
        line(b, "run", (label == null ? "" : label + ": ") + r.requested() + " idle connections");
        line(b, "connected", String.format(Locale.ROOT, "%d (%d failed) in %.2f s = %.0f connections/s", r.connected(),
                r.failed(), r.connectSeconds(), r.connectsPerSec()));
        if (r.rssBeforeKiB() >= 0) {
            line(b, "broker RSS", String.format(Locale.ROOT, "%.1f MiB before, %.1f MiB after = %.1f KiB per connection",
                    r.rssBeforeKiB() / 1024.0, r.rssAfterKiB() / 1024.0, r.bytesPerConnection() / 1024.0));
        }
        if (!r.errors().isEmpty()) {
            line(b, "errors", String.join(" | ", r.errors()));
        }
        return b.toString();
    }

    private static void latency(StringBuilder b, String name, LatencySummary l) {
        b.append(String.format(Locale.ROOT, "  %-10s %10.3f %10.3f %10.3f %10.3f %10.3f%n", name, l.p50Micros() / 1000.0,
                l.p99Micros() / 1000.0, l.p999Micros() / 1000.0, l.maxMicros() / 1000.0, l.meanMicros() / 1000.0));
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format(Locale.ROOT, "%-11s %s%n", key, value));
    }
}
