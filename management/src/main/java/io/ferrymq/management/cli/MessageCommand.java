package io.ferrymq.management.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code ferrymq message move SOURCE [--to QUEUE] [--count N]}: DLQ redrive, or a move between any two queues. */
@Command(name = "message", aliases = "messages", mixinStandardHelpOptions = true, description = "Messages in queues.",
        subcommands = MessageCommand.Move.class)
public final class MessageCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "move", mixinStandardHelpOptions = true,
            description = "Moves messages to another queue; without --to, each back to the queue it was dead-lettered from.")
    static final class Move extends ApiCommand {
        @Parameters(index = "0", description = "The queue to move them from (a DLQ).")
        String source;

        @Option(names = "--to", description = "The queue to move them to.")
        String destination;

        @Option(names = "--count", description = "At most this many (default: all).")
        Long count;

        @Override
        void run(ManagementApi api, PrintWriter out) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (destination != null) {
                body.put("destination", destination);
            }
            if (count != null) {
                body.put("count", count);
            }
            JsonNode r = api.send("POST", "/api/queues/" + api.vhost() + "/" + ManagementApi.seg(source) + "/move", body);
            if (json()) {
                Table.json(out, r);
            } else {
                out.println("moved " + r.path("moved").asLong() + " message(s)"
                        + (r.path("skipped").asLong() > 0 ? ", " + r.path("skipped").asLong()
                        + " had no queue to go back to and stayed" : ""));
            }
        }
    }
}
