package io.ferrymq.management.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code ferrymq definitions export|import FILE}: RabbitMQ's definitions.json shape. */
@Command(name = "definitions", mixinStandardHelpOptions = true,
        description = "Users, permissions, queues, exchanges and bindings as one JSON file.",
        subcommands = {DefinitionsCommand.Export.class, DefinitionsCommand.Import.class})
public final class DefinitionsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Writes the definitions to FILE (- for the output).")
    static final class Export extends ApiCommand {
        @Parameters(index = "0", defaultValue = "-", description = "Where to write them.")
        String file;

        @Override
        void run(ManagementApi api, PrintWriter out) {
            JsonNode d = api.get("/api/definitions");
            if (file.equals("-")) {
                Table.json(out, d);
                return;
            }
            try {
                Files.write(Path.of(file), ManagementApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(d));
            } catch (IOException e) {
                throw new CliException(CliException.REFUSED, "cannot write " + file + ": " + e.getMessage());
            }
            out.println("definitions written to " + file);
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = "Applies the definitions in FILE.")
    static final class Import extends ApiCommand {
        @Parameters(index = "0", description = "The definitions file.")
        String file;

        @Override
        void run(ManagementApi api, PrintWriter out) {
            JsonNode d;
            try {
                d = ManagementApi.JSON.readTree(Files.readAllBytes(Path.of(file)));
            } catch (IOException e) {
                throw new CliException(CliException.REFUSED, "cannot read " + file + " as JSON: " + e.getMessage());
            }
            api.send("POST", "/api/definitions", d);
            out.println("definitions imported from " + file);
        }
    }
}
