package io.ferrymq.server;

import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.transport.tls.ReloadingSslContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every TLS listener of {@code conf/examples/tls.yaml}, as an outside client sees it, checked with Debian's
 * {@code openssl s_client} for each TLS engine: TLS 1.2 and 1.3 accepted with the certificate chain that verifies
 * against {@code ca.pem} for {@code localhost}; TLS 1.0 and 1.1 refused by the server (the client is told to offer
 * them); no weak cipher suite negotiated: NULL, anonymous, RC4, DES/3DES, CBC with SHA-1, static RSA key exchange
 * (EXPORT suites no longer exist in OpenSSL 3, so no client can offer them). A weak class this client cannot offer
 * at all is skipped rather than passed, and the classes this profile is about (CBC-SHA1, static RSA, NULL,
 * anonymous) must be offerable. Needs the {@code openssl} command ({@code bin/run-tests} installs it).
 */
@Tag("system")
class TlsListenersOpensslCheckTest {

    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(20);
    /** All of one listener's checks, run while the other listeners are checked. */
    private static final Duration CHECKS_LIMIT = Duration.ofSeconds(240);

    /** OpenSSL cipher strings of suites no listener may agree to (TLS 1.2; TLS 1.3 has only AEAD suites). */
    private static final Map<String, String> WEAK = new TreeMap<>(Map.of(
            "NULL", "eNULL",
            "anonymous", "aNULL",
            "RC4", "RC4",
            "DES and 3DES", "DES:3DES",
            "CBC with SHA-1", "SHA1",
            "static RSA key exchange", "kRSA"));

    /** Classes a Debian OpenSSL 3 client can offer, so that their check is never vacuous. */
    private static final List<String> MUST_BE_OFFERABLE = List.of("NULL", "anonymous", "CBC with SHA-1",
            "static RSA key exchange");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} engine")
    @ValueSource(strings = {"openssl", "jdk"})
    void everyTlsListenerServesOnlyModernTlsAndItsChain(String engine) throws Exception {
        if (engine.equals("openssl")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(io.netty.handler.ssl.OpenSsl.isAvailable(),
                    "netty-tcnative does not load here");
        }
        Path tlsDir = dir.resolve("tls");
        SelfSignedTls.write(tlsDir, List.of("localhost", "127.0.0.1"), Duration.ofDays(30), false);
        String example = Files.readString(Path.of("..", "conf", "examples", "tls.yaml"))
                .replace("conf/tls/", tlsDir + "/")
                .replaceAll("port: \\d+", "port: 0");
        Path file = dir.resolve("tls.yaml");
        Files.writeString(file, example + "\nstorage:\n  type: memory\n");

        String before = System.getProperty(ReloadingSslContext.ENGINE_PROPERTY);
        System.setProperty(ReloadingSslContext.ENGINE_PROPERTY, engine);
        FerryServer server;
        try {
            server = FerryServer.start(new ConfigLoader().load(file));
        } finally {
            if (before == null) {
                System.clearProperty(ReloadingSslContext.ENGINE_PROPERTY);
            } else {
                System.setProperty(ReloadingSslContext.ENGINE_PROPERTY, before);
            }
        }
        try (server) {
            assertThat(server.listeners()).hasSize(8);
            Map<String, String> weak = offerable(tlsDir);
            Path ca = tlsDir.resolve("ca.pem");
            // The listeners are checked at once, each one's checks in turn: a check is an openssl process, and while
            // one waits on its handshake another can run.
            ExecutorService pool = Executors.newFixedThreadPool(server.listeners().size());
            try {
                List<Future<?>> checks = new ArrayList<>();
                for (var l : new TreeMap<>(server.listeners()).entrySet()) {
                    int port = l.getValue().getPort();
                    String name = l.getKey() + " (" + engine + ")";
                    checks.add(pool.submit(() -> {
                        checkListener(name, port, ca, weak);
                        return null;
                    }));
                }
                for (Future<?> check : checks) {
                    try {
                        check.get(CHECKS_LIMIT.toSeconds(), TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof AssertionError a) {
                            throw a;
                        }
                        throw e;
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private void checkListener(String name, int port, Path ca, Map<String, String> weak) throws Exception {
        for (String version : List.of("-tls1_3", "-tls1_2")) {
            Result r = sClient(port, version, "-CAfile", ca.toString(), "-verify_return_error",
                    "-verify_hostname", "localhost", "-servername", "localhost", "-showcerts");
            assertThat(r.exit).as(name + " " + version + ":\n" + r.out).isZero();
            assertThat(r.out).as(name + " " + version)
                    .contains("Verify return code: 0 (ok)")
                    .contains("New, TLSv1." + version.charAt(version.length() - 1) + ", Cipher is ")
                    // what a default client agrees to: AEAD only, forward secret in TLS 1.2
                    .containsPattern("Cipher is (TLS_AES_\\d+_GCM|TLS_CHACHA20|ECDHE-ECDSA-(AES\\d+-GCM|CHACHA20))")
                    .contains("0 s:CN = localhost")
                    .contains("-----BEGIN CERTIFICATE-----");
        }
        for (String old : List.of("-tls1", "-tls1_1")) {
            Result r = sClient(port, old, "-cipher", "DEFAULT:@SECLEVEL=0");
            assertThat(r.exit).as(name + " " + old + ":\n" + r.out).isNotZero();
            assertThat(r.out).as(name + " " + old + " refused by the server, not the client")
                    .doesNotContain("no protocols available")
                    .containsAnyOf("alert protocol version", "unsupported protocol", "wrong version number",
                            "alert handshake failure");
        }
        // Every weak class in one offer: the server picks from what the client offers, so a handshake that fails
        // with all of them on offer proves it agrees to none of them (one process instead of one per class).
        String allWeak = String.join(":", weak.values());
        Result r = sClient(port, "-tls1_2", "-cipher", allWeak + ":@SECLEVEL=0");
        assertThat(r.exit).as(name + " " + weak.keySet() + ":\n" + r.out).isNotZero();
        assertThat(r.out).as(name + " " + weak.keySet()).doesNotContain("no cipher match")
                .containsPattern("Cipher is \\(NONE\\)|handshake failure|no shared cipher");
    }

    /** The weak classes this openssl can offer (the others are no longer in OpenSSL 3's default provider). */
    private static Map<String, String> offerable(Path workDir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (var w : WEAK.entrySet()) {
            Result r = run(workDir, List.of("openssl", "ciphers", "-tls1_2", w.getValue() + ":@SECLEVEL=0"));
            if (r.exit == 0 && !r.out.isBlank()) {
                out.put(w.getKey(), w.getValue());
            }
        }
        assertThat(out.keySet()).as("weak cipher classes this openssl offers").containsAll(MUST_BE_OFFERABLE);
        return out;
    }

    private Result sClient(int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
        cmd.addAll(List.of(args));
        return run(dir, cmd);
    }

    private static Result run(Path workDir, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish within " + COMMAND_LIMIT);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private record Result(int exit, String out) {
    }
}
