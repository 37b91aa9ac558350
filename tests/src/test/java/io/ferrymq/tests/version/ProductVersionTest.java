package io.ferrymq.tests.version;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.ferrymq.server.FerryServer;
import io.ferrymq.server.Main;
import io.ferrymq.server.config.ConfigLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.messaging.simp.stomp.ReactorNettyTcpStompClient;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every place the broker names its version says the pom's version (given to the test by the build as
 * {@code ferrymq.expected-version}): STOMP's CONNECTED {@code server} header, AMQP 0-9-1's and AMQP 1.0's
 * {@code product}/{@code version} connection properties, the management overview and {@code ferrymq --version}.
 * The broker runs from the reactor's classes here, without a jar manifest.
 */
class ProductVersionTest {

    private static final String EXPECTED = System.getProperty("ferrymq.expected-version");

    @TempDir
    static Path dir;
    private static FerryServer server;

    @BeforeAll
    static void start() throws Exception {
        Path config = dir.resolve("broker.yaml");
        Files.writeString(config, """
                security:
                  password-iterations: 1000
                storage:
                  type: memory
                listeners:
                  - {name: stomp, protocols: [stomp], port: 0}
                  - {name: amqp, protocols: [amqp], port: 0}
                  - {name: amqp091, protocols: [amqp091], port: 0}
                  - {name: management, protocols: [management], port: 0}
                """);
        server = FerryServer.start(new ConfigLoader().load(config));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static int port(String listener) {
        return server.listeners().get(listener).getPort();
    }

    @Test
    void theBuildGivesTheExpectedVersion() {
        assertThat(EXPECTED).as("surefire's ferrymq.expected-version (tests/pom.xml)").isNotBlank()
                .doesNotContain("${");
    }

    @Test
    void stompConnectedFrameNamesTheVersion() throws Exception {
        ReactorNettyTcpStompClient client = new ReactorNettyTcpStompClient("127.0.0.1", port("stomp"));
        CompletableFuture<StompHeaders> connected = new CompletableFuture<>();
        StompHeaders login = new StompHeaders();
        login.setLogin("guest");
        login.setPasscode("guest");
        StompSession session = client.connectAsync(login, new StompSessionHandlerAdapter() {
            @Override
            public void afterConnected(StompSession s, StompHeaders headers) {
                connected.complete(headers);
            }

            @Override
            public void handleTransportError(StompSession s, Throwable e) {
                connected.completeExceptionally(e);
            }
        }).get(30, TimeUnit.SECONDS);
        try {
            assertThat(connected.get(30, TimeUnit.SECONDS).getFirst("server")).isEqualTo("FerryMQ/" + EXPECTED);
        } finally {
            session.disconnect();
            client.shutdown();
        }
    }

    @Test
    void amqp091ServerPropertiesNameProductAndVersion() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port("amqp091"));
        f.setUsername("guest");
        f.setPassword("guest");
        try (Connection c = f.newConnection()) {
            assertThat(c.getServerProperties().get("product")).hasToString("FerryMQ");
            assertThat(c.getServerProperties().get("version")).hasToString(EXPECTED);
        }
    }

    @Test
    void amqp10OpenPropertiesNameProductAndVersion() throws Exception {
        // Debian's python3-qpid-proton (bin/run-tests installs it) prints the broker's open properties.
        String script = """
                import json, sys
                from proton.utils import BlockingConnection
                c = BlockingConnection(sys.argv[1], user='guest', password='guest', allowed_mechs='PLAIN', timeout=30)
                print(json.dumps({str(k): str(v) for k, v in (c.conn.remote_properties or {}).items()}))
                c.close()
                """;
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, "amqp://127.0.0.1:" + port("amqp"))
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("python3-qpid-proton client finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        JsonNode props = new ObjectMapper().readTree(out);
        assertThat(props.path("product").asText()).isEqualTo("FerryMQ");
        assertThat(props.path("version").asText()).as(out).isEqualTo(EXPECTED);
    }

    @Test
    void managementOverviewNamesTheVersion() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port("management") + "/api/overview"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "guest:guest".getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode overview = new ObjectMapper().readTree(r.body());
        assertThat(overview.path("product_name").asText()).isEqualTo("FerryMQ");
        assertThat(overview.path("product_version").asText()).isEqualTo(EXPECTED);
    }

    @Test
    void commandLineVersionNamesTheVersion() {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new Main()).setOut(new PrintWriter(out)).execute("--version");
        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("FerryMQ " + EXPECTED + System.lineSeparator());
    }
}
