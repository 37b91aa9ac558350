package io.ferrymq.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.bench.load.BrokerCpuProbe;
import io.ferrymq.bench.load.ProcessCountersProbe;
import io.ferrymq.bench.load.LoadSpec;
import io.ferrymq.bench.load.RunResult;
import io.ferrymq.bench.scenario.ConnectionScaleResult;
import io.ferrymq.bench.stats.Integrity;
import io.ferrymq.bench.stats.LatencySummary;
import io.ferrymq.bench.stats.Throughput;

import java.time.Instant;
import java.util.List;

/**
 * Results as JSON for scripts. Field names are a stable interface (the side-by-side script and
 * {@code ferrymq-bench compare} read them); latencies are in microseconds.
 */
public final class JsonReports {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonReports() {
    }

    /** Where and what was run, common to every report. */
    public record Context(String label, String scenario, Instant date) {
    }

    public static ObjectNode load(RunResult r, Context c) {
        ObjectNode root = header("load", c, r.spec().label());
        LoadSpec s = r.spec();
        ObjectNode spec = root.putObject("spec");
        spec.put("protocol", s.protocol().name().toLowerCase(java.util.Locale.ROOT));
        spec.put("kind", s.kind().name().toLowerCase(java.util.Locale.ROOT));
        spec.put("producers", s.producers());
        spec.put("consumers", s.consumers());
        spec.put("destinations", s.destinations());
        spec.put("messageSize", s.messageSize());
        spec.put("persistent", s.persistent());
        spec.put("ackMode", s.ackMode().stompName());
        spec.put("ackEvery", s.ackEvery());
        spec.put("prefetch", s.prefetch());
        spec.put("confirmWindow", s.confirmWindow());
        spec.put("rate", s.rate());
        spec.put("warmupSeconds", s.warmup().toMillis() / 1000.0);
        spec.put("durationSeconds", s.duration().toMillis() / 1000.0);
        root.put("runId", r.runId());
        root.put("measuredSeconds", r.measuredSeconds());
        throughput(root.putObject("sent"), r.sent());
        throughput(root.putObject("received"), r.received());
        latency(root.putObject("latencyMicros"), r.latency());
        latency(root.putObject("confirmLatencyMicros"), r.confirmLatency());
        root.put("confirmed", r.confirmed());
        root.put("confirmFailures", r.confirmFailures());
        root.put("unconfirmed", r.unconfirmed());
        integrity(root.putObject("integrity"), r.integrity());
        errors(root.putObject("errors"), r.errorCount(), r.errors());
        return root;
    }

    /** Adds the broker's CPU time per received message to a load report. */
    public static void brokerCpu(ObjectNode report, long pid, BrokerCpuProbe.BrokerCpu c) {
        ObjectNode cpu = report.putObject("brokerCpu");
        cpu.put("pid", pid);
        cpu.put("cpuSeconds", c.cpuSeconds());
        cpu.put("messages", c.messages());
        cpu.put("microsPerMessage", c.microsPerMessage());
    }

    /** Adds the broker's Java heap allocation per received message, and the window it was measured over. */
    public static void brokerAllocation(ObjectNode report, io.ferrymq.bench.load.BrokerAllocationProbe.BrokerAllocation a) {
        ObjectNode node = report.putObject("brokerAllocation");
        node.put("bytes", a.bytes());
        node.put("messages", a.messages());
        node.put("bytesPerMessage", a.bytesPerMessage());
        node.put("from", a.from().toString());
        node.put("to", a.to().toString());
    }

    /**
     * Adds the broker's CPU without its JIT compilers and its context switches, in all and per thread group, and
     * the load generator's CPU.
     */
    public static void processCounters(ObjectNode report, ProcessCountersProbe.Counts n) {
        ObjectNode broker = report.putObject("brokerThreads");
        broker.put("messages", n.messages());
        broker.put("nonCompilerMicrosPerMessage", n.brokerNonCompilerMicrosPerMessage());
        broker.put("compilerShare", n.brokerCompilerShare());
        broker.put("contextSwitchesPerMessage", n.brokerContextSwitchesPerMessage());
        ObjectNode groups = broker.putObject("perMessageByThreadGroup");
        n.brokerPerMessageByGroup().forEach((name, g) -> {
            ObjectNode group = groups.putObject(name);
            group.put("cpuMicros", g.cpuMicros());
            group.put("contextSwitches", g.contextSwitches());
        });
        ObjectNode gen = report.putObject("loadGeneratorCpu");
        gen.put("microsPerMessage", n.loadGeneratorMicrosPerMessage());
        gen.put("cores", n.loadGeneratorCores());
    }

    /** Adds the broker's TCP data segments and bytes per received message, each way, on its listener's connections. */
    public static void brokerSockets(ObjectNode report, io.ferrymq.bench.load.SocketCountersProbe.Counts k) {
        ObjectNode node = report.putObject("brokerSockets");
        node.put("messages", k.messages());
        node.put("connections", k.sockets().connections());
        node.put("segmentsOutPerMessage", k.perMessage(k.sockets().segmentsOut()));
        node.put("segmentsInPerMessage", k.perMessage(k.sockets().segmentsIn()));
        node.put("bytesOutPerMessage", k.perMessage(k.sockets().bytesOut()));
        node.put("bytesInPerMessage", k.perMessage(k.sockets().bytesIn()));
        node.put("bytesPerSegmentOut", k.bytesPerSegmentOut());
    }

    public static ObjectNode connections(ConnectionScaleResult r, Context c) {
        ObjectNode root = header("connections", c, "stomp connections " + r.requested());
        root.put("requested", r.requested());
        root.put("connected", r.connected());
        root.put("failed", r.failed());
        root.put("connectSeconds", r.connectSeconds());
        root.put("connectsPerSec", r.connectsPerSec());
        root.put("rssBeforeKiB", r.rssBeforeKiB());
        root.put("rssAfterKiB", r.rssAfterKiB());
        root.put("bytesPerConnection", r.bytesPerConnection());
        r.errors().forEach(root.putArray("errors")::add);
        return root;
    }

    public static String write(ObjectNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fields every report starts with; other load generators' reports (SQS) use them too. */
    public static ObjectNode header(String type, Context c, String description) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("type", type);
        root.put("label", c.label());
        root.put("scenario", c.scenario());
        root.put("description", description);
        root.put("date", c.date().toString());
        root.put("cores", Runtime.getRuntime().availableProcessors());
        return root;
    }

    public static void throughput(ObjectNode n, Throughput t) {
        n.put("messages", t.messages());
        n.put("msgsPerSec", t.msgsPerSec());
        n.put("mbPerSec", t.mbPerSec());
    }

    public static void latency(ObjectNode n, LatencySummary l) {
        n.put("count", l.count());
        n.put("mean", l.meanMicros());
        n.put("p50", l.p50Micros());
        n.put("p99", l.p99Micros());
        n.put("p999", l.p999Micros());
        n.put("max", l.maxMicros());
    }

    public static void integrity(ObjectNode n, Integrity i) {
        n.put("expected", i.expected());
        n.put("delivered", i.delivered());
        n.put("lost", i.lost());
        n.put("lostConfirmed", i.lostConfirmed());
        n.put("duplicated", i.duplicated());
        n.put("outOfOrder", i.outOfOrder());
        n.put("unexpected", i.unexpected());
    }

    public static void errors(ObjectNode n, long count, List<String> first) {
        n.put("count", count);
        first.forEach(n.putArray("first")::add);
    }
}
