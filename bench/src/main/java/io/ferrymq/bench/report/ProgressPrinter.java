package io.ferrymq.bench.report;

import io.ferrymq.bench.load.Phase;
import io.ferrymq.bench.load.Progress;
import io.ferrymq.bench.load.ProgressListener;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress line: rewritten in place on a terminal, one line per tick otherwise (logs, pipes).
 */
public final class ProgressPrinter implements ProgressListener {

    private final PrintStream out;
    private final boolean inPlace;

    public ProgressPrinter(PrintStream out, boolean inPlace) {
        this.out = out;
        this.inPlace = inPlace;
    }

    @Override
    public void onProgress(Progress p) {
        String text = format(p);
        if (inPlace) {
            out.print("\r" + text + "   ");
        } else {
            out.println(text);
        }
        out.flush();
    }

    /** Ends an in-place line so that what follows starts on its own line. */
    public void finish() {
        if (inPlace) {
            out.println();
        }
    }

    static String format(Progress p) {
        String lat = p.phase() == Phase.MEASURE && p.latency().count() > 0
                ? String.format(Locale.ROOT, "  p50 %.2f ms  p99 %.2f ms", p.latency().p50Micros() / 1000.0,
                        p.latency().p99Micros() / 1000.0)
                : "";
        return String.format(Locale.ROOT, "%6.1fs %-7s sent %9.0f msg/s  received %9.0f msg/s  (totals %d / %d)%s",
                p.elapsedSeconds(), p.phase().name().toLowerCase(Locale.ROOT), p.sentPerSec(), p.receivedPerSec(),
                p.totalSent(), p.totalReceived(), lat);
    }
}
