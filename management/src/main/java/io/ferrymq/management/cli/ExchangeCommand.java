package io.ferrymq.management.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code ferrymq exchange list} and {@code ferrymq binding list}. */
@Command(name = "exchange", aliases = "exchanges", mixinStandardHelpOptions = true, description = "Exchanges.",
        subcommands = ExchangeCommand.ListExchanges.class)
public final class ExchangeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the exchanges.")
    static final class ListExchanges extends ApiCommand {
        @Override
        void run(ManagementApi api, PrintWriter out) {
            JsonNode all = api.get("/api/exchanges/" + api.vhost());
            if (json()) {
                Table.json(out, all);
            } else {
                Table.print(out, all, "name", "type", "durable", "internal");
            }
        }
    }

    /** {@code ferrymq binding list}. */
    @Command(name = "binding", aliases = "bindings", mixinStandardHelpOptions = true, description = "Bindings.",
            subcommands = Bindings.ListBindings.class)
    public static final class Bindings implements Runnable {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the bindings.")
        static final class ListBindings extends ApiCommand {
            @Override
            void run(ManagementApi api, PrintWriter out) {
                JsonNode all = api.get("/api/bindings/" + api.vhost());
                if (json()) {
                    Table.json(out, all);
                } else {
                    Table.print(out, all, "source", "destination", "destination_type", "routing_key");
                }
            }
        }
    }
}
