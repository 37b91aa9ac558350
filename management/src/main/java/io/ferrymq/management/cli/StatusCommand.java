package io.ferrymq.management.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code ferrymq status}: whether the broker answers, its version, uptime, listeners and totals. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows whether the broker runs: version, uptime, listeners, connections, queues, messages.")
public final class StatusCommand extends ApiCommand {

    @Override
    void run(ManagementApi api, PrintWriter out) {
        JsonNode o = api.get("/api/overview");
        if (json()) {
            Table.json(out, o);
            return;
        }
        out.println("FerryMQ " + o.path("product_version").asText() + " running for "
                + o.path("uptime").asLong() / 1000 + " s");
        for (JsonNode l : o.path("listeners")) {
            out.println("  listener " + l.path("protocol").asText() + " on " + l.path("ip_address").asText() + ":"
                    + l.path("port").asText());
        }
        JsonNode t = o.path("object_totals");
        out.println("  connections " + t.path("connections").asText() + ", queues " + t.path("queues").asText()
                + ", consumers " + t.path("consumers").asText());
        JsonNode q = o.path("queue_totals");
        out.println("  messages ready " + q.path("messages_ready").asText() + ", in flight "
                + q.path("messages_unacknowledged").asText());
        out.println("  memory " + o.path("memory").path("used").asText() + " of "
                + o.path("memory").path("limit").asText() + " bytes");
    }
}
