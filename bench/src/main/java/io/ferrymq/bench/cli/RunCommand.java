package io.ferrymq.bench.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.bench.driver.AckMode;
import io.ferrymq.bench.driver.DestinationKind;
import io.ferrymq.bench.driver.Driver;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.Drivers;
import io.ferrymq.bench.load.BrokerAllocationProbe;
import io.ferrymq.bench.load.BrokerCpuProbe;
import io.ferrymq.bench.load.LoadRunner;
import io.ferrymq.bench.load.LoadSpec;
import io.ferrymq.bench.load.ProcessCountersProbe;
import io.ferrymq.bench.load.SocketCountersProbe;
import io.ferrymq.bench.load.ProgressListener;
import io.ferrymq.bench.load.RunResult;
import io.ferrymq.bench.report.JsonReports;
import io.ferrymq.bench.report.ProgressPrinter;
import io.ferrymq.bench.report.ReportTable;
import io.ferrymq.bench.scenario.Scenario;
import io.ferrymq.bench.scenario.Scenarios;
import io.ferrymq.bench.stats.JvmAllocation;
import io.ferrymq.bench.stats.ProcessCounters;
import io.ferrymq.bench.stats.SocketCounters;
import io.ferrymq.bench.stats.ProcessCpu;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ferrymq-bench run}: one load, from a named scenario and/or explicit options. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs one load against a broker and reports sent and received msg/s and MB/s, end-to-end latency "
                + "percentiles, and lost, duplicated and out-of-order messages.",
                "Options not given come from --scenario, or else from the defaults shown."})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Mixin
    EndpointOptions endpoint;

    @Mixin
    OutputOptions output;

    @Option(names = "--scenario", description = "A named scenario to start from (see 'ferrymq-bench scenarios').")
    String scenario;

    @Option(names = {"-p", "--producers"}, description = "Producer connections (default 1).")
    Integer producers;

    @Option(names = {"-c", "--consumers"}, description = "Consumer connections (default 1; 0 for none).")
    Integer consumers;

    @Option(names = {"-d", "--destinations"}, description = "Queues or topics; producer k uses destination k %% d (default 1).")
    Integer destinations;

    @Option(names = "--kind", description = "queue or topic (default queue).")
    DestinationKind kind;

    @Option(names = "--destination-name", description = "Base name; a run id and index are appended (default bench).")
    String destinationName;

    @Option(names = {"-s", "--size"}, description = "Message body bytes (default 1024).")
    Integer size;

    @Option(names = "--persistent", negatable = true, description = "Send persistent messages (default: no).")
    Boolean persistent;

    @Option(names = "--ack", description = "auto, client (cumulative) or client_individual (default auto).")
    AckMode ack;

    @Option(names = "--ack-every", description = "With --ack client: acknowledge every N messages (default 100).")
    Integer ackEvery;

    @Option(names = "--prefetch", description = "Messages the broker may push ahead of acks, 0 for its default (default 1000).")
    Integer prefetch;

    @Option(names = "--confirm-window", description = "Unconfirmed sends per producer (receipts); 0 for none (default 100).")
    Integer confirmWindow;

    @Option(names = {"-r", "--rate"}, description = "Total msg/s over all producers; 0 for as fast as possible (default 0).")
    Double rate;

    @Option(names = "--warmup", converter = DurationConverter.class, description = "Unmeasured warm-up (default 5s).")
    Duration warmup;

    @Option(names = {"-t", "--duration"}, converter = DurationConverter.class, description = "Measured time (default 30s).")
    Duration duration;

    @Option(names = "--drain-timeout", converter = DurationConverter.class,
            description = "Time to wait for confirmations and messages in flight after the run (default 10s).")
    Duration drainTimeout;

    @Option(names = "--broker-pid", description = "The broker's process id (on this machine), to report its CPU time "
            + "per received message over the measured window.")
    Long brokerPid;

    @Option(names = "--broker-allocation", description = "With --broker-pid, a JVM broker: also report the Java heap "
            + "bytes it allocated per received message over the measured window (read through its local JMX agent).")
    boolean brokerAllocation;

    @Override
    public Integer call() throws Exception {
        LoadSpec spec = spec();
        DriverErrors errors = new DriverErrors();
        ProgressPrinter progress = new ProgressPrinter(System.err, System.console() != null);
        ProgressListener shown = output.quiet ? ProgressListener.NONE : progress;
        int port = endpoint.endpoint(spec.protocol()).port();
        SocketCountersProbe sockets = brokerPid == null ? null
                : new SocketCountersProbe(shown, () -> SocketCounters.ofLocalPort(port));
        BrokerCpuProbe cpu = brokerPid == null ? null : new BrokerCpuProbe(sockets, () -> ProcessCpu.nanos(brokerPid));
        JvmAllocation heap = brokerPid != null && brokerAllocation ? attach(brokerPid) : null;
        BrokerAllocationProbe alloc = heap == null ? null : new BrokerAllocationProbe(cpu, heap::allocatedBytes);
        long self = ProcessHandle.current().pid();
        ProcessCountersProbe counters = brokerPid == null ? null
                : new ProcessCountersProbe(alloc != null ? alloc : cpu, () -> ProcessCounters.of(brokerPid),
                        () -> ProcessCpu.nanos(self));
        RunResult result;
        try (heap; Driver driver = Drivers.create(spec.protocol(), endpoint.endpoint(spec.protocol()), errors)) {
            result = new LoadRunner(driver, errors, spec, 1000).run(counters == null ? shown : counters);
        } finally {
            if (!output.quiet) {
                progress.finish();
            }
        }
        String name = scenario != null ? scenario : "custom";
        String table = ReportTable.render(result, output.label);
        ObjectNode json = JsonReports.load(result, new JsonReports.Context(output.label, name, Instant.now()));
        if (cpu != null && cpu.result().isPresent()) {
            BrokerCpuProbe.BrokerCpu c = cpu.result().get();
            table += String.format(Locale.ROOT, "broker CPU  %.2f µs per received message (%.2f s for %d messages, pid %d)%n",
                    c.microsPerMessage(), c.cpuSeconds(), c.messages(), brokerPid);
            JsonReports.brokerCpu(json, brokerPid, c);
        }
        if (alloc != null && alloc.result().isPresent()) {
            BrokerAllocationProbe.BrokerAllocation a = alloc.result().get();
            table += String.format(Locale.ROOT, "broker heap allocation  %.0f B per received message (%d MB for %d "
                    + "messages)%n", a.bytesPerMessage(), a.bytes() / 1_000_000, a.messages());
            JsonReports.brokerAllocation(json, a);
        }
        if (counters != null && counters.result().isPresent()) {
            ProcessCountersProbe.Counts n = counters.result().get();
            table += String.format(Locale.ROOT, "broker CPU without its JIT compiler threads  %.2f µs per received "
                            + "message (the compilers took %.0f%%)%n",
                    n.brokerNonCompilerMicrosPerMessage(), 100 * n.brokerCompilerShare());
            table += String.format(Locale.ROOT, "load generator CPU  %.2f µs per received message, %.2f cores%n",
                    n.loadGeneratorMicrosPerMessage(), n.loadGeneratorCores());
            table += String.format(Locale.ROOT, "broker context switches  %.2f per received message%n",
                    n.brokerContextSwitchesPerMessage());
            table += byThreadGroup(n);
            JsonReports.processCounters(json, n);
        }
        if (sockets != null && sockets.result().isPresent()) {
            SocketCountersProbe.Counts k = sockets.result().get();
            table += String.format(Locale.ROOT, "broker sockets  per received message: %.3f data segments out, %.3f in; "
                            + "%.0f B out, %.0f B in (%.0f B per segment out, %d connections)%n",
                    k.perMessage(k.sockets().segmentsOut()), k.perMessage(k.sockets().segmentsIn()),
                    k.perMessage(k.sockets().bytesOut()), k.perMessage(k.sockets().bytesIn()), k.bytesPerSegmentOut(),
                    k.sockets().connections());
            JsonReports.brokerSockets(json, k);
        }
        output.emit(System.out, table, json);
        return 0;
    }

    /** One line per broker thread group that worked in the window: its CPU and switches per message. */
    static String byThreadGroup(ProcessCountersProbe.Counts n) {
        StringBuilder out = new StringBuilder();
        n.brokerPerMessageByGroup().forEach((name, g) -> out.append(String.format(Locale.ROOT,
                "  %-24s %8.2f µs CPU, %6.3f context switches per received message%n",
                name, g.cpuMicros(), g.contextSwitches())));
        return out.toString();
    }

    /** The broker's allocation counter, or null (and a warning) when it is not a JVM this process can attach to. */
    private static JvmAllocation attach(long pid) {
        try {
            return JvmAllocation.attach(pid);
        } catch (RuntimeException e) {
            System.err.println("warning: no broker allocation figure: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause() + ")" : ""));
            return null;
        }
    }

    /** The scenario (or the defaults) with every given option applied. */
    LoadSpec spec() {
        LoadSpec b = LoadSpec.defaults();
        if (scenario != null) {
            b = Scenarios.named(scenario).map(Scenario::spec).orElseThrow(() -> new CommandLine.ParameterException(
                    commandSpec.commandLine(), "unknown scenario '" + scenario + "'; see 'ferrymq-bench scenarios'"));
        }
        try {
            return new LoadSpec(endpoint.protocolOr(b.protocol()), or(producers, b.producers()), or(consumers, b.consumers()),
                    or(destinations, b.destinations()), or(kind, b.kind()), or(destinationName, b.destinationName()),
                    or(size, b.messageSize()), or(persistent, b.persistent()), or(ack, b.ackMode()),
                    or(ackEvery, b.ackEvery()), or(prefetch, b.prefetch()), or(confirmWindow, b.confirmWindow()),
                    or(rate, b.rate()), or(warmup, b.warmup()), or(duration, b.duration()),
                    or(drainTimeout, b.drainTimeout()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
        }
    }

    private static <T> T or(T given, T fallback) {
        return given != null ? given : fallback;
    }
}
