package io.ferrymq.management.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The management commands on their own ({@code bin/ferrymq} carries the same ones beside {@code run}): each talks
 * to a running broker's management API, so it works from any machine that reaches the listener.
 */
@Command(name = "ferrymq", mixinStandardHelpOptions = true, description = "Operates a running FerryMQ broker.",
        subcommands = {StatusCommand.class, QueueCommand.class, ExchangeCommand.class, ExchangeCommand.Bindings.class,
                ConnectionCommand.class, MessageCommand.class, UserCommand.class, DefinitionsCommand.class})
public final class ManagementCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
