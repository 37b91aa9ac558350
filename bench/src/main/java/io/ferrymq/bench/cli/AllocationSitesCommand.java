package io.ferrymq.bench.cli;

import io.ferrymq.bench.jfr.AllocationSites;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ferrymq-bench alloc-sites}: the heaviest allocation sites of a flight recording. */
@Command(name = "alloc-sites", mixinStandardHelpOptions = true,
        description = {"Sums the jdk.ObjectAllocationSample events of a flight recording (a broker run with "
                + "-XX:StartFlightRecording:settings=profile) per allocation site and prints the heaviest, with their "
                + "share of all sampled bytes. --from/--to cut the recording to a run's measured window (the "
                + "brokerAllocation.from/to of 'run --broker-allocation --json')."})
final class AllocationSitesCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The .jfr file.")
    Path recording;

    @Option(names = "--from", description = "Only samples from this instant (ISO-8601).")
    Instant from;

    @Option(names = "--to", description = "Only samples up to this instant (ISO-8601).")
    Instant to;

    @Option(names = "--depth", description = "Frames of FerryMQ's own code per site (default 3).")
    int depth = 3;

    @Option(names = "--top", description = "Sites to print (default 20).")
    int top = 20;

    @Override
    public Integer call() throws Exception {
        for (AllocationSites.Site s : AllocationSites.read(recording, from, to, depth, top)) {
            System.out.printf(Locale.ROOT, "%5.1f%%  %s%n", 100 * s.share(), s.where());
        }
        return 0;
    }
}
