package io.ferrymq.management.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.management.ApiClient;
import io.ferrymq.management.ManagementBroker;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The {@code ferrymq} management commands, run in-process against a broker. */
class ManagementCliTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.start();

    private record Result(int exit, String out, String err) { }

    private Result ferrymq(String... args) {
        return ferrymqAt("http://127.0.0.1:" + broker.port("management"), args);
    }

    private static Result ferrymqAt(String url, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        // The options belong to the leaf command: after the subcommand names.
        all.addAll(List.of("--url", url, "-u", "admin", "-p", ManagementBroker.PASSWORD));
        int exit = new CommandLine(new ManagementCli()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    private ApiClient api() {
        return new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
    }

    @Test
    void statusSaysTheBrokerRunsWithItsVersionAndListeners() {
        Result r = ferrymq("status");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("FerryMQ " + io.ferrymq.transport.BrokerVersion.text())
                .contains("listener management on 127.0.0.1:" + broker.port("management"));
    }

    @Test
    void queuesAreDeclaredListedPurgedAndDeleted() {
        assertThat(ferrymq("queue", "declare", "cli.jobs").exit()).isZero();
        api().post("/api/exchanges/%2F/amq.default/publish", Map.of("routing_key", "cli.jobs", "payload", "job 1",
                "payload_encoding", "string", "properties", Map.of()));
        await().atMost(Duration.ofSeconds(20)).until(() -> ferrymq("queues", "list").out().matches("(?s).*cli\\.jobs +1 .*"));

        Result browsed = ferrymq("queue", "browse", "cli.jobs");
        assertThat(browsed.out()).contains("job 1");

        Result json = ferrymq("queue", "list", "--json");
        assertThat(json.out()).contains("\"name\" : \"cli.jobs\"");

        assertThat(ferrymq("queue", "purge", "cli.jobs").out()).contains("purged");
        await().atMost(Duration.ofSeconds(20)).until(() -> api().get("/api/queues/%2F/cli.jobs").json()
                .path("messages").asLong() == 0);
        assertThat(ferrymq("queue", "delete", "cli.jobs").exit()).isZero();
        assertThat(api().get("/api/queues/%2F/cli.jobs").status()).isEqualTo(404);

        Result missing = ferrymq("queue", "delete", "cli.jobs");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).startsWith("ferrymq: ").contains("cli.jobs");
    }

    @Test
    void usersAreAddedGivenANewPasswordAndDeleted() {
        assertThat(ferrymq("user", "add", "frank", "pw1", "--roles", "management").exit()).isZero();
        assertThat(api().as("frank", "pw1").get("/api/whoami").status()).isEqualTo(200);
        assertThat(ferrymq("users", "list").out()).contains("frank");
        assertThat(ferrymq("user", "passwd", "frank", "pw2").exit()).isZero();
        assertThat(api().as("frank", "pw1").get("/api/whoami").status()).isEqualTo(401);
        JsonNode me = api().as("frank", "pw2").get("/api/whoami").json();
        assertThat(me.path("tags")).extracting(JsonNode::asText).containsExactly("management");
        assertThat(ferrymq("user", "delete", "frank").exit()).isZero();
        assertThat(api().as("frank", "pw2").get("/api/whoami").status()).isEqualTo(401);
    }

    @Test
    void definitionsAreExportedToAFileAndImportedBack(@TempDir Path dir) throws Exception {
        ferrymq("queue", "declare", "kept");
        Path file = dir.resolve("definitions.json");
        assertThat(ferrymq("definitions", "export", file.toString()).exit()).isZero();
        assertThat(Files.readString(file)).contains("\"kept\"");
        ferrymq("queue", "delete", "kept");
        assertThat(ferrymq("definitions", "import", file.toString()).exit()).isZero();
        assertThat(api().get("/api/queues/%2F/kept").status()).isEqualTo(200);
    }

    @Test
    void withNoBrokerListeningTheCommandSaysSoAndExits2() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        Result r = ferrymqAt("http://127.0.0.1:" + free, "status");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("cannot reach the management API").contains("is the broker running");
    }
}
