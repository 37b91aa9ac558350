package io.ferrymq.bench.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Medians per scenario and broker over repeated runs, and the ratio lines of the side-by-side comparison
 * ({@code stomp queue 10x10 persistent: ferrymq/artemis = 1.7}). Throughput ratios are the baseline's
 * received msg/s over the peer's, so above 1 means the baseline is faster; CPU per message ratios, where both
 * runs measured it, below 1 mean the baseline spends less; for connection scale the ratios are connections per
 * second and memory per connection.
 */
public final class Comparison {

    /**
     * One scenario on one broker: the medians of its runs, the lowest and highest rate (to show the noise),
     * and loss summed over the runs.
     */
    public record Cell(String scenario, String description, String type, String label, int runs,
                       double rate, double rateMin, double rateMax, double p99Millis, long lost, long duplicated,
                       double bytesPerConnection, double cpuMicrosPerMessage) {
    }

    private Comparison() {
    }

    public static List<JsonNode> read(Collection<Path> files) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (Path f : files) {
            out.add(JsonReports.MAPPER.readTree(f.toFile()));
        }
        return out;
    }

    /** Groups results by scenario then label, in order of first appearance, and takes medians. */
    public static List<Cell> cells(List<JsonNode> results) {
        Map<String, Map<String, List<JsonNode>>> grouped = new LinkedHashMap<>();
        for (JsonNode r : results) {
            grouped.computeIfAbsent(r.path("scenario").asText(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.path("label").asText(), k -> new ArrayList<>()).add(r);
        }
        List<Cell> cells = new ArrayList<>();
        grouped.forEach((scenario, byLabel) -> byLabel.forEach((label, runs) -> {
            JsonNode first = runs.get(0);
            String type = first.path("type").asText();
            boolean load = type.equals("load");
            List<Double> rates = new ArrayList<>();
            List<Double> p99s = new ArrayList<>();
            List<Double> perConnection = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            long lost = 0;
            long duplicated = 0;
            for (JsonNode r : runs) {
                if (load) {
                    rates.add(r.path("received").path("msgsPerSec").asDouble());
                    p99s.add(r.path("latencyMicros").path("p99").asDouble() / 1000.0);
                    lost += r.path("integrity").path("lost").asLong();
                    duplicated += r.path("integrity").path("duplicated").asLong();
                    if (r.path("brokerCpu").has("microsPerMessage")) {
                        cpu.add(r.path("brokerCpu").path("microsPerMessage").asDouble());
                    }
                } else {
                    rates.add(r.path("connectsPerSec").asDouble());
                    perConnection.add(r.path("bytesPerConnection").asDouble());
                    lost += r.path("failed").asLong();
                }
            }
            cells.add(new Cell(scenario, first.path("description").asText(scenario), type, label, runs.size(),
                    median(rates), rates.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    rates.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                    load ? median(p99s) : Double.NaN, lost, duplicated,
                    load ? Double.NaN : median(perConnection), median(cpu)));
        }));
        return cells;
    }

    /** The median; the mean of the middle two for an even count; NaN for none. */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> v = new ArrayList<>(values);
        v.sort(Double::compare);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    public static String render(List<Cell> cells, String baseline, int cores) {
        StringBuilder b = new StringBuilder();
        b.append("machine: ").append(cores).append(" cores\n");
        b.append("rate/s: received msg/s (connection scale: connections/s), median over runs; p99: end-to-end latency;"
                + " CPU us/msg: the broker's CPU time per received message\n\n");
        b.append(String.format(Locale.ROOT, "%-30s %-10s %4s %10s %17s %10s %11s %8s %8s %10s%n", "scenario", "broker",
                "runs", "rate/s", "(min-max)", "p99 ms", "CPU us/msg", "lost", "dup", "B/conn"));
        for (Cell c : cells) {
            b.append(String.format(Locale.ROOT, "%-30s %-10s %4d %10.0f %17s %10s %11s %8d %8d %10s%n", c.scenario(),
                    c.label(), c.runs(), c.rate(), String.format(Locale.ROOT, "(%.0f-%.0f)", c.rateMin(), c.rateMax()),
                    Double.isNaN(c.p99Millis()) ? "-" : String.format(Locale.ROOT, "%.2f", c.p99Millis()),
                    Double.isNaN(c.cpuMicrosPerMessage()) ? "-" : String.format(Locale.ROOT, "%.2f", c.cpuMicrosPerMessage()),
                    c.lost(), c.duplicated(),
                    Double.isNaN(c.bytesPerConnection()) ? "-" : String.format(Locale.ROOT, "%.0f", c.bytesPerConnection())));
        }
        b.append("\nratios (").append(baseline).append(" / peer; throughput and connection rate above 1: ")
                .append(baseline).append(" is faster; memory per connection below 1: ").append(baseline)
                .append(" uses less)\n");
        ratioLines(cells, baseline).forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    /** {@code description: baseline/peer = ratio} for every scenario and peer the baseline ran too. */
    public static List<String> ratioLines(List<Cell> cells, String baseline) {
        List<String> lines = new ArrayList<>();
        for (Cell base : cells) {
            if (!base.label().equals(baseline)) {
                continue;
            }
            for (Cell peer : cells) {
                if (!peer.scenario().equals(base.scenario()) || peer.label().equals(baseline)) {
                    continue;
                }
                String line = String.format(Locale.ROOT, "%s: %s/%s = %s", base.description(), baseline, peer.label(),
                        ratio(base.rate(), peer.rate()));
                if (!Double.isNaN(base.cpuMicrosPerMessage()) && !Double.isNaN(peer.cpuMicrosPerMessage())) {
                    line += String.format(Locale.ROOT, "; broker CPU per message %s/%s = %s", baseline, peer.label(),
                            ratio(base.cpuMicrosPerMessage(), peer.cpuMicrosPerMessage()));
                }
                if (base.type().equals("connections")) {
                    line += String.format(Locale.ROOT, " (connections/s); memory per connection %s/%s = %s", baseline,
                            peer.label(), ratio(base.bytesPerConnection(), peer.bytesPerConnection()));
                }
                lines.add(line);
            }
        }
        return lines;
    }

    private static String ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b <= 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f", a / b);
    }
}
