package io.ferrymq.bench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Arrays;

/**
 * {@code ferrymq-bench}: the load generator's command line. {@code ferrymq-bench jmh ...} hands its
 * arguments to JMH's own command line to run the hot-path benchmarks packaged in the same jar.
 */
@Command(name = "ferrymq-bench", mixinStandardHelpOptions = true, version = "ferrymq-bench 0.1",
        description = "Load generator and benchmarks for FerryMQ and any other broker speaking the same protocols.",
        subcommands = {RunCommand.class, ConnectionsCommand.class, JournalCommand.class, ScenariosCommand.class,
                CompareCommand.class, SqsCommand.class, KinesisCommand.class, HandshakesCommand.class,
                AllocationSitesCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "JMH benchmarks of the broker's hot paths: ferrymq-bench jmh [JMH options] [benchmark regex]"})
public final class FerryBench {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new FerryBench()).setCaseInsensitiveEnumValuesAllowed(true);
    }
}
