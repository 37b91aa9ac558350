package io.ferrymq.bench.stats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TCP counters of the established connections on one local port (a broker's listener), summed, from the broker's
 * side, as Linux's {@code ss -tin} reports them. Per message they show how the broker writes and how its clients
 * send: a build that answers in smaller, more frequent writes sends more data segments for the same bytes, and its
 * clients wake up for each, which the broker's own CPU per message does not show. Unlike throughput, segments and
 * bytes per message barely move with other load on the machine.
 *
 * @param connections connections counted
 * @param bytesOut    bytes the broker sent ({@code bytes_sent}, retransmissions included)
 * @param bytesIn     bytes the broker received ({@code bytes_received})
 * @param segmentsOut data segments the broker sent ({@code data_segs_out}): at most one per write on loopback
 * @param segmentsIn  data segments the broker received ({@code data_segs_in})
 */
public record SocketCounters(int connections, long bytesOut, long bytesIn, long segmentsOut, long segmentsIn) {

    private static final Pattern FIELD = Pattern.compile("\\b(bytes_sent|bytes_received|data_segs_out|data_segs_in):(\\d+)");

    /** The counters of the connections on local port {@code port} now; empty where {@code ss} cannot be run. */
    public static Optional<SocketCounters> ofLocalPort(int port) {
        try {
            Process ss = new ProcessBuilder("ss", "-tinH", "state", "established", "( sport = :" + port + " )")
                    .redirectErrorStream(true).start();
            String out;
            try (InputStream in = ss.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!ss.waitFor(10, TimeUnit.SECONDS) || ss.exitValue() != 0) {
                ss.destroy();
                return Optional.empty();
            }
            return Optional.of(parse(out));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Sums the counters of {@code ss -ti} output: each connection's counters are on the indented line after its
     * address line.
     */
    static SocketCounters parse(String ssOutput) {
        int connections = 0;
        long bytesOut = 0;
        long bytesIn = 0;
        long segmentsOut = 0;
        long segmentsIn = 0;
        for (String line : ssOutput.split("\n")) {
            Matcher m = FIELD.matcher(line);
            boolean counted = false;
            while (m.find()) {
                long v = Long.parseLong(m.group(2));
                switch (m.group(1)) {
                    case "bytes_sent" -> bytesOut += v;
                    case "bytes_received" -> bytesIn += v;
                    case "data_segs_out" -> segmentsOut += v;
                    default -> segmentsIn += v;
                }
                counted = true;
            }
            if (counted) {
                connections++;
            }
        }
        return new SocketCounters(connections, bytesOut, bytesIn, segmentsOut, segmentsIn);
    }

    /** These counters less {@code earlier}'s (the same connections, read later). */
    public SocketCounters minus(SocketCounters earlier) {
        return new SocketCounters(connections, bytesOut - earlier.bytesOut, bytesIn - earlier.bytesIn,
                segmentsOut - earlier.segmentsOut, segmentsIn - earlier.segmentsIn);
    }
}
