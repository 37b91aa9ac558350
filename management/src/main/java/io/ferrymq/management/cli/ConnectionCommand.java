package io.ferrymq.management.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

/** {@code ferrymq connection list|close NAME}. */
@Command(name = "connection", aliases = "connections", mixinStandardHelpOptions = true,
        description = "Client connections.", subcommands = {ConnectionCommand.ListConnections.class,
        ConnectionCommand.Close.class})
public final class ConnectionCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the client connections.")
    static final class ListConnections extends ApiCommand {
        @Override
        void run(ManagementApi api, PrintWriter out) {
            JsonNode conns = api.get("/api/connections");
            if (json()) {
                Table.json(out, conns);
            } else {
                Table.print(out, conns, "name", "protocol", "user", "vhost", "peer_host", "peer_port",
                        "client_properties.client_id");
            }
        }
    }

    @Command(name = "close", mixinStandardHelpOptions = true, description = "Closes a connection by its name.")
    static final class Close extends ApiCommand {
        @Parameters(index = "0", description = "The connection's name (from connection list).")
        String name;

        @Override
        void run(ManagementApi api, PrintWriter out) {
            api.send("DELETE", "/api/connections/" + ManagementApi.seg(name), null);
            out.println("connection " + name + " closed");
        }
    }
}
