package io.ferrymq.bench.cli;

import io.ferrymq.bench.report.Comparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ferrymq-bench compare}: medians and ratio lines from JSON results of repeated runs. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Reads JSON results (from --json), prints the median per scenario and broker, and the ratio "
                + "of the baseline to every peer.")
final class CompareCommand implements Callable<Integer> {

    @Option(names = "--baseline", defaultValue = "ferrymq", description = "Label of the broker to compare (default: ${DEFAULT-VALUE}).")
    String baseline;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "JSON result files.")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        System.out.print(Comparison.render(Comparison.cells(Comparison.read(files)), baseline,
                Runtime.getRuntime().availableProcessors()));
        return 0;
    }
}
