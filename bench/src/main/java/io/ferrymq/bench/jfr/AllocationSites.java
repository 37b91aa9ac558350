package io.ferrymq.bench.jfr;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a JVM allocated, from the {@code jdk.ObjectAllocationSample} events of a flight recording: each sample's
 * weight (the bytes it stands for) summed per site, a site being the allocated class and the first few frames of its
 * stack, starting from the first frame in the project's own code ({@code io.ferrymq}); the JDK and Netty frames
 * above it are kept as the allocating frame, so that {@code ArrayList.grow} under {@code StompFrameDecoder} and
 * under {@code Session} are told apart.
 */
public final class AllocationSites {

    /** One site: what was allocated and where, the bytes the samples stand for, and their share of all. */
    public record Site(String where, long bytes, double share) {
    }

    private static final String OWN = "io.ferrymq.";

    private AllocationSites() {
    }

    /**
     * The {@code top} heaviest sites of the samples taken between {@code from} and {@code to} (either may be null
     * for no bound), each described by the allocated class, the allocating frame and {@code depth} frames of the
     * project's code under it.
     */
    public static List<Site> read(Path recording, Instant from, Instant to, int depth, int top) throws IOException {
        Map<String, Long> bytes = new HashMap<>();
        long total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            if (!e.getEventType().getName().equals("jdk.ObjectAllocationSample")) {
                continue;
            }
            Instant t = e.getStartTime();
            if ((from != null && t.isBefore(from)) || (to != null && t.isAfter(to))) {
                continue;
            }
            long weight = e.getLong("weight");
            total += weight;
            bytes.merge(describe(e, depth), weight, Long::sum);
        }
        long all = total;
        List<Site> sites = new ArrayList<>();
        bytes.forEach((where, b) -> sites.add(new Site(where, b, all == 0 ? 0 : (double) b / all)));
        sites.sort(Comparator.comparingLong(Site::bytes).reversed());
        return sites.subList(0, Math.min(top, sites.size()));
    }

    static String describe(RecordedEvent e, int depth) {
        StringBuilder s = new StringBuilder();
        var cls = e.getClass("objectClass");
        s.append(cls == null ? "?" : cls.getName());
        RecordedStackTrace st = e.getStackTrace();
        if (st == null) {
            return s.append(" <no stack>").toString();
        }
        List<RecordedFrame> frames = st.getFrames();
        int own = 0;
        while (own < frames.size() && !typeName(frames.get(own)).startsWith(OWN)) {
            own++;
        }
        if (own > 0 && !frames.isEmpty()) {
            s.append(" <- ").append(frame(frames.get(0)));
            if (own > 1 && own < frames.size()) {
                s.append(" <- ").append(frame(frames.get(own - 1)));
            }
        }
        for (int i = own; i < Math.min(frames.size(), own + depth); i++) {
            s.append(" <- ").append(frame(frames.get(i)));
        }
        return s.toString();
    }

    private static String typeName(RecordedFrame f) {
        return f.getMethod() == null ? "" : f.getMethod().getType().getName();
    }

    private static String frame(RecordedFrame f) {
        if (f.getMethod() == null) {
            return "?";
        }
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName() + ":" + f.getLineNumber();
    }
}
