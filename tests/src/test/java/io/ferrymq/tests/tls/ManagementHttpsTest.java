package io.ferrymq.tests.tls;

import io.ferrymq.server.FerryServer;
import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.transport.testing.TestTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The management API over HTTPS: a management listener with {@code tls: true} serves the same API with the broker's
 * certificate, as the AWS port does; a client that does not trust the CA cannot talk to it.
 */
class ManagementHttpsTest {

    @Test
    void theManagementApiAnswersOverHttpsWithTheBrokersCertificate(@TempDir Path dir) throws Exception {
        TestTls tls = TestTls.create(Files.createDirectory(dir.resolve("tls")));
        TestTls stranger = TestTls.create(Files.createDirectory(dir.resolve("stranger")));
        Path file = dir.resolve("broker.yaml");
        Files.writeString(file, """
                storage:
                  type: memory
                tls:
                  certificate: %s
                  key: %s
                listeners:
                  - {name: management-https, protocols: [management], port: 0, tls: true}
                """.formatted(tls.serverPem(), tls.serverKey()));
        try (FerryServer server = FerryServer.start(new ConfigLoader().load(file))) {
            URI overview = URI.create("https://localhost:" + server.listeners().get("management-https").getPort()
                    + "/api/overview");

            HttpResponse<String> r = get(tls.clientContext(), overview);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("\"listeners\"");

            assertThat(catchThrowable(() -> get(stranger.clientContext(), overview))).isInstanceOf(IOException.class);
        }
    }

    private static HttpResponse<String> get(SSLContext context, URI uri) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(30)).build();
        String auth = Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
        return client.send(HttpRequest.newBuilder(uri).header("Authorization", "Basic " + auth)
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
