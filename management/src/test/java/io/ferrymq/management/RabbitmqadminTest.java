package io.ferrymq.management;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RabbitMQ's own command-line tool, {@code rabbitmqadmin} (Debian's rabbitmq-server ships it; bin/run-tests
 * installs it), works against FerryMQ's management API: list queues, declare one, publish to it and get from it.
 */
class RabbitmqadminTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.start();

    private record Run(int exit, String out) { }

    private Run rabbitmqadmin(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("rabbitmqadmin", "-H", "127.0.0.1", "-P",
                Integer.toString(broker.port("management")), "-u", "admin", "-p", ManagementBroker.PASSWORD, "-V", "/"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("rabbitmqadmin finished").isTrue();
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void rabbitmqadminDeclaresListsPublishesAndGets() throws Exception {
        Run declared = rabbitmqadmin("declare", "queue", "name=from-admin-tool", "durable=true");
        assertThat(declared.exit()).as(declared.out()).isZero();
        assertThat(declared.out()).contains("queue declared");

        Run published = rabbitmqadmin("publish", "exchange=amq.default", "routing_key=from-admin-tool",
                "payload=hello from rabbitmqadmin");
        assertThat(published.exit()).as(published.out()).isZero();
        assertThat(published.out()).contains("Message published").doesNotContain("NOT routed");

        Run listed = rabbitmqadmin("-f", "tsv", "-q", "list", "queues", "name", "messages");
        assertThat(listed.exit()).as(listed.out()).isZero();
        assertThat(listed.out()).contains("from-admin-tool\t1");

        Run got = rabbitmqadmin("-f", "tsv", "-q", "get", "queue=from-admin-tool", "ackmode=ack_requeue_false");
        assertThat(got.exit()).as(got.out()).isZero();
        assertThat(got.out()).contains("hello from rabbitmqadmin");
    }

    @Test
    void rabbitmqadminShowsTheOverviewAndReportsARefusal() throws Exception {
        Run overview = rabbitmqadmin("show", "overview");
        assertThat(overview.exit()).as(overview.out()).isZero();
        assertThat(overview.out()).contains(io.ferrymq.transport.BrokerVersion.text());

        Run refused = rabbitmqadmin("delete", "queue", "name=never-declared");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.out()).contains("Not found");
    }
}
