package io.ferrymq.bench.cli;

import io.ferrymq.bench.driver.Driver;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.Drivers;
import io.ferrymq.bench.driver.Protocol;
import io.ferrymq.bench.report.JsonReports;
import io.ferrymq.bench.report.ReportTable;
import io.ferrymq.bench.scenario.ConnectionScale;
import io.ferrymq.bench.scenario.ConnectionScaleResult;
import io.ferrymq.bench.scenario.Scenarios;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code ferrymq-bench connections}: the connection-scale scenario. */
@Command(name = "connections", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Opens many idle, authenticated connections; reports the time to connect them all and, with "
                + "--broker-pid, the broker's memory per connection (RSS from /proc/PID/status before and after).",
                "Needs a file descriptor per connection on both sides: raise 'ulimit -n' first."})
final class ConnectionsCommand implements Callable<Integer> {

    @Mixin
    EndpointOptions endpoint;

    @Mixin
    OutputOptions output;

    @Option(names = {"-n", "--count"}, defaultValue = "10000", description = "Connections (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--concurrency", defaultValue = "100",
            description = "Handshakes in progress at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--broker-pid", description = "The broker's process id, to measure its memory.")
    Long brokerPid;

    @Option(names = "--hold", defaultValue = "3s", converter = DurationConverter.class,
            description = "Time all connections stay open before memory is read (default: ${DEFAULT-VALUE}).")
    Duration hold;

    @Override
    public Integer call() throws Exception {
        DriverErrors errors = new DriverErrors();
        ConnectionScaleResult result;
        try (Driver driver = Drivers.create(endpoint.protocolOr(Protocol.STOMP), endpoint.endpoint(endpoint.protocolOr(Protocol.STOMP)), errors)) {
            result = new ConnectionScale(driver, errors).run(count, concurrency,
                    brokerPid == null ? OptionalLong.empty() : OptionalLong.of(brokerPid), hold,
                    n -> {
                        if (!output.quiet) {
                            System.err.println(n + " connected");
                        }
                    });
        }
        output.emit(System.out, ReportTable.render(result, output.label),
                JsonReports.connections(result, new JsonReports.Context(output.label, Scenarios.CONNECTIONS, Instant.now())));
        return result.connected() == count ? 0 : 1;
    }
}
