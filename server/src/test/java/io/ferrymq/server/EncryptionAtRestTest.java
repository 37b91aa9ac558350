package io.ferrymq.server;

import io.ferrymq.server.config.ConfigException;
import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.server.config.FerryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ferrymq keygen} and {@code storage.encryption.key-file}: a broker whose data directory holds no plaintext. */
class EncryptionAtRestTest {

    private static final String BODY = "wire-transfer-to-account-99887766";

    private static FerryConfig config(Path dir, Path keyFile) throws Exception {
        Path f = dir.resolve("broker.yaml");
        Files.writeString(f, """
                security:
                  password-iterations: 1000
                listeners:
                  - name: stomp
                    protocols: [stomp]
                    port: 0
                storage:
                  data-dir: %s
                  segment-size: 1MiB
                  encryption:
                    key-file: %s
                """.formatted(dir.resolve("data"), keyFile));
        return new ConfigLoader().load(f);
    }

    private static Path keygen(Path file) {
        StringWriter out = new StringWriter();
        int rc = new CommandLine(new Main()).setOut(new PrintWriter(out)).execute("keygen", "--out", file.toString());
        assertThat(rc).isZero();
        assertThat(out.toString()).contains("key id").contains(file.toString());
        return file;
    }

    @Test
    void keygenWritesAnOwnerOnlyKeyAndNeverOverwritesOne(@TempDir Path dir) throws Exception {
        Path key = keygen(dir.resolve("conf/ferrymq.key"));
        assertThat(Files.getPosixFilePermissions(key)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        byte[] before = Files.readAllBytes(key);
        StringWriter err = new StringWriter();
        int rc = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute("keygen", "--out", key.toString());
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("exists already");
        assertThat(Files.readAllBytes(key)).isEqualTo(before);
    }

    @Test
    void messagesSurviveARestartWhileTheDataDirectoryHoldsNoPlaintext(@TempDir Path dir) throws Exception {
        Path key = keygen(dir.resolve("ferrymq.key"));
        FerryConfig config = config(dir, key);
        try (FerryServer server = FerryServer.start(config);
             Socket s = FerryServerTest.loggedIn(server.listeners().get("stomp").getPort(), "guest", "guest")) {
            assertThat(FerryServerTest.exchange(s, "SEND\ndestination:/queue/payments\npersistent:true\nreceipt:1\n\n"
                    + BODY + "\0")).startsWith("RECEIPT");
        }
        try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as("%s", f)
                        .doesNotContain(BODY).doesNotContain("payments");
            }
        }
        try (FerryServer server = FerryServer.start(config);
             Socket s = FerryServerTest.loggedIn(server.listeners().get("stomp").getPort(), "guest", "guest")) {
            assertThat(FerryServerTest.exchange(s, "SUBSCRIBE\nid:0\ndestination:/queue/payments\n\n\0"))
                    .startsWith("MESSAGE").endsWith(BODY);
        }
    }

    @Test
    void anotherKeyStopsStartUpNamingBothKeyIds(@TempDir Path dir) throws Exception {
        Path key = keygen(dir.resolve("a.key"));
        try (FerryServer server = FerryServer.start(config(dir, key));
             Socket s = FerryServerTest.loggedIn(server.listeners().get("stomp").getPort(), "guest", "guest")) {
            assertThat(FerryServerTest.exchange(s, "SEND\ndestination:/queue/q\npersistent:true\nreceipt:1\n\nx\0"))
                    .startsWith("RECEIPT");
        }
        Path other = keygen(dir.resolve("b.key"));
        FerryConfig wrong = config(dir, other);
        assertThatThrownBy(() -> FerryServer.start(wrong).close())
                .hasMessageContaining("was encrypted with key id")
                .hasMessageContaining("the configured key is");
    }

    @Test
    void aKeyFileThatHoldsNoKeyIsAConfigurationError(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.key");
        Files.writeString(bad, "not a key\n");
        FerryConfig c = config(dir, bad);
        assertThatThrownBy(() -> FerryServer.start(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.encryption.key-file").hasMessageContaining("ferrymq keygen");
    }
}
