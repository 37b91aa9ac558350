package io.ferrymq.management.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code ferrymq queue list|declare|delete|purge|browse}. */
@Command(name = "queue", aliases = "queues", mixinStandardHelpOptions = true, description = "Queues of a virtual host.",
        subcommands = {QueueCommand.ListQueues.class, QueueCommand.Declare.class, QueueCommand.Delete.class,
                QueueCommand.Purge.class, QueueCommand.Browse.class})
public final class QueueCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the queues with their depth.")
    static final class ListQueues extends ApiCommand {
        @Override
        void run(ManagementApi api, PrintWriter out) {
            JsonNode queues = api.get("/api/queues/" + api.vhost());
            if (json()) {
                Table.json(out, queues);
            } else {
                Table.print(out, queues, "name", "messages_ready", "messages_unacknowledged", "consumers", "durable");
            }
        }
    }

    @Command(name = "declare", mixinStandardHelpOptions = true, description = "Creates a queue (nothing if it exists).")
    static final class Declare extends ApiCommand {
        @Parameters(index = "0", description = "The queue's name.")
        String name;

        @Option(names = "--transient", description = "Not durable: gone when the broker restarts.")
        boolean notDurable;

        @Override
        void run(ManagementApi api, PrintWriter out) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("durable", !notDurable);
            api.send("PUT", "/api/queues/" + api.vhost() + "/" + ManagementApi.seg(name), body);
            out.println("queue " + name + " declared");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a queue and its messages.")
    static final class Delete extends ApiCommand {
        @Parameters(index = "0", description = "The queue's name.")
        String name;

        @Override
        void run(ManagementApi api, PrintWriter out) {
            api.send("DELETE", "/api/queues/" + api.vhost() + "/" + ManagementApi.seg(name), null);
            out.println("queue " + name + " deleted");
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true, description = "Removes a queue's ready messages.")
    static final class Purge extends ApiCommand {
        @Parameters(index = "0", description = "The queue's name.")
        String name;

        @Override
        void run(ManagementApi api, PrintWriter out) {
            api.send("DELETE", "/api/queues/" + api.vhost() + "/" + ManagementApi.seg(name) + "/contents", null);
            out.println("queue " + name + " purged");
        }
    }

    @Command(name = "browse", mixinStandardHelpOptions = true,
            description = "Shows messages of a queue and leaves them there.")
    static final class Browse extends ApiCommand {
        @Parameters(index = "0", description = "The queue's name.")
        String name;

        @Option(names = "--count", defaultValue = "10", description = "How many (default ${DEFAULT-VALUE}).")
        int count;

        @Override
        void run(ManagementApi api, PrintWriter out) {
            JsonNode msgs = api.send("POST", "/api/queues/" + api.vhost() + "/" + ManagementApi.seg(name) + "/get",
                    Map.of("count", count, "ackmode", "ack_requeue_true", "encoding", "auto"));
            if (json()) {
                Table.json(out, msgs);
            } else {
                Table.print(out, msgs, "payload", "payload_bytes", "redelivered", "properties.message_id");
            }
        }
    }
}
