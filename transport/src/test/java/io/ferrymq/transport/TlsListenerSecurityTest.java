package io.ferrymq.transport;

import io.ferrymq.transport.testing.TestTls;
import io.ferrymq.transport.tls.CertificateUserRule;
import io.ferrymq.transport.tls.ReloadingSslContext;
import io.ferrymq.transport.tls.TlsSettings;
import io.netty.handler.ssl.SslProvider;
import org.apache.logging.log4j.core.LogEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** TLS listeners from PEM files: versions, refusals, reload, optional TLS on a unified port, client certificates. */
class TlsListenerSecurityTest {

    @TempDir
    Path dir;

    private final NettyServer server = new NettyServer(1, List.of(new LineProtocol("alpha", "ALPHA"),
            new LineProtocol("beta", "BETA")));

    @AfterEach
    void stop() {
        server.close(Duration.ofSeconds(2));
    }

    private int bind(ListenerConfig config) {
        return server.bind(config).getPort();
    }

    @Test
    void pemCertificateServesTls13And12WithTheOpenSslEngine() throws Exception {
        TestTls tls = TestTls.create(dir);
        ReloadingSslContext ssl = ReloadingSslContext.open(tls.settings());
        assertThat(ssl.provider()).isEqualTo(SslProvider.OPENSSL);
        int port = bind(ListenerConfig.tcp("tls", "127.0.0.1", 0, "alpha").withSsl(ssl));
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            try (SSLSocket s = connect(tls.clientContext(), port, version)) {
                assertThat(roundTrip(s, "ALPHA hi")).isEqualTo("alpha[tls]:ALPHA hi");
                assertThat(s.getSession().getProtocol()).isEqualTo(version);
            }
        }
    }

    @Test
    void pkcs12KeystoreServesTls() throws Exception {
        TestTls tls = TestTls.create(dir);
        io.ferrymq.transport.tls.CertificateAuthority.Issued server = tls.ca().issueServer("localhost",
                List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", server.key(), "secret".toCharArray(),
                new java.security.cert.Certificate[] {server.certificate(), tls.ca().certificate()});
        Path p12 = dir.resolve("server.p12");
        try (var out = Files.newOutputStream(p12)) {
            ks.store(out, "secret".toCharArray());
        }
        TlsSettings settings = new TlsSettings(null, null, null, p12, "secret", null, null, null, null, null, null,
                null);
        int port = bind(ListenerConfig.tcp("p12", "127.0.0.1", 0, "alpha").withSsl(ReloadingSslContext.open(settings)));
        try (SSLSocket s = connect(tls.clientContext(), port, null)) {
            assertThat(roundTrip(s, "ALPHA p12")).isEqualTo("alpha[tls]:ALPHA p12");
            assertThat(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber())
                    .isEqualTo(server.certificate().getSerialNumber());
        }
    }

    @Test
    void tls11IsRefused() throws Exception {
        TestTls tls = TestTls.create(dir);
        int port = bind(ListenerConfig.tcp("tls", "127.0.0.1", 0, "alpha")
                .withSsl(ReloadingSslContext.open(tls.settings())));
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_1",
                "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile", tls.caPem().toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isNotZero();
        assertThat(out).containsIgnoringCase("alert protocol version");
    }

    @Test
    void weakCiphersAreNotOffered() throws Exception {
        TestTls tls = TestTls.create(dir);
        int port = bind(ListenerConfig.tcp("tls", "127.0.0.1", 0, "alpha")
                .withSsl(ReloadingSslContext.open(tls.settings())));
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_2",
                "-cipher", "RC4:3DES:DES:NULL:EXPORT:aNULL:eNULL:MD5:CBC@SECLEVEL=0", "-CAfile", tls.caPem().toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isNotZero();
        assertThat(out).containsIgnoringCase("handshake failure");
    }

    @Test
    void olderTlsVersionsCannotBeConfigured() {
        assertThatThrownBy(() -> TlsSettings.pem(Path.of("a"), Path.of("b")).withProtocols(List.of("TLSv1.1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'TLSv1.1' is not allowed");
    }

    @Test
    void plaintextOnATlsPortIsClosedWithOneLogLine() throws Exception {
        TestTls tls = TestTls.create(dir);
        int port = bind(ListenerConfig.tcp("secure", "127.0.0.1", 0, "alpha")
                .withSsl(ReloadingSslContext.open(tls.settings())));
        try (CapturedLog log = CapturedLog.capture(); Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("ALPHA plain, please\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertThat(readToEnd(s)).doesNotContain("alpha[");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(refusals(log)).hasSize(1));
            LogEvent line = refusals(log).get(0);
            assertThat(line.getMessage().getFormattedMessage()).contains("listener 'secure'")
                    .contains("plaintext client on a TLS port");
            assertThat(line.getThrown()).isNull();
        }
    }

    @Test
    void silentConnectionIsClosedAtTheTlsHandshakeTimeout() throws Exception {
        TestTls tls = TestTls.create(dir);
        int port = bind(ListenerConfig.tcp("slow", "127.0.0.1", 0, "alpha").withSsl(ReloadingSslContext.open(
                tls.settings().withHandshakeTimeout(Duration.ofMillis(500)))));
        try (CapturedLog log = CapturedLog.capture(); Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(refusals(log)).hasSize(1));
            assertThat(refusals(log).get(0).getMessage().getFormattedMessage())
                    .contains("the TLS handshake did not finish in time");
        }
    }

    @Test
    void clientRefusesAnExpiredOrWrongHostCertificate() throws Exception {
        TestTls tls = TestTls.create(dir);
        ReloadingSslContext ssl = ReloadingSslContext.open(tls.settings().withReloadCheck(Duration.ZERO));
        int port = bind(ListenerConfig.tcp("tls", "127.0.0.1", 0, "alpha").withSsl(ssl));

        tls.writeServer(tls.ca().issueServer("elsewhere", List.of("elsewhere.example"), Duration.ofDays(1)));
        touch(tls);
        assertThatThrownBy(() -> roundTrip(connect(tls.clientContext(), port, null), "ALPHA x"))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1");

        Instant now = Instant.now();
        tls.writeServer(tls.ca().issueServer("localhost", List.of("localhost", "127.0.0.1"),
                now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1))));
        touch(tls);
        assertThatThrownBy(() -> roundTrip(connect(tls.clientContext(), port, null), "ALPHA x"))
                .isInstanceOf(SSLHandshakeException.class)
                .hasRootCauseInstanceOf(CertificateExpiredException.class);
    }

    @Test
    void reloadedCertificateServesNewConnectionsWhileOpenOnesContinue() throws Exception {
        TestTls tls = TestTls.create(dir);
        ReloadingSslContext ssl = ReloadingSslContext.open(tls.settings().withReloadCheck(Duration.ZERO));
        int port = bind(ListenerConfig.tcp("tls", "127.0.0.1", 0, "alpha").withSsl(ssl));
        try (SSLSocket before = connect(tls.clientContext(), port, null)) {
            assertThat(roundTrip(before, "ALPHA one")).isEqualTo("alpha[tls]:ALPHA one");
            X509Certificate first = (X509Certificate) before.getSession().getPeerCertificates()[0];

            tls.writeServer(tls.ca().issueServer("localhost-renewed", List.of("localhost", "127.0.0.1"),
                    Duration.ofDays(1)));
            touch(tls);

            try (SSLSocket after = connect(tls.clientContext(), port, null)) {
                assertThat(roundTrip(after, "ALPHA two")).isEqualTo("alpha[tls]:ALPHA two");
                X509Certificate renewed = (X509Certificate) after.getSession().getPeerCertificates()[0];
                assertThat(renewed.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
                assertThat(renewed.getSubjectX500Principal().getName()).isEqualTo("CN=localhost-renewed");
            }
            assertThat(roundTrip(before, "ALPHA three")).isEqualTo("alpha[tls]:ALPHA three");
        }
    }

    @Test
    void unifiedListenerSniffsTlsAndThenTheProtocolInsideIt() throws Exception {
        TestTls tls = TestTls.create(dir);
        int port = bind(ListenerConfig.tcp("unified", "127.0.0.1", 0, "alpha", "beta")
                .withOptionalSsl(ReloadingSslContext.open(tls.settings())));
        try (SSLSocket s = connect(tls.clientContext(), port, null)) {
            assertThat(roundTrip(s, "BETA secure")).isEqualTo("beta[tls]:BETA secure");
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            assertThat(roundTrip(s, "ALPHA plain")).isEqualTo("alpha[tcp]:ALPHA plain");
        }
    }

    @Test
    void tlsRequiredOnAUnifiedListenerSniffsInsideTls() throws Exception {
        TestTls tls = TestTls.create(dir);
        int port = bind(ListenerConfig.tcp("unified", "127.0.0.1", 0, "alpha", "beta")
                .withSsl(ReloadingSslContext.open(tls.settings())));
        try (SSLSocket s = connect(tls.clientContext(), port, null)) {
            assertThat(roundTrip(s, "ALPHA secure")).isEqualTo("alpha[tls]:ALPHA secure");
        }
    }

    @Test
    void clientCertificateIsVerifiedAndMappedToAUser() throws Exception {
        TestTls tls = TestTls.create(dir);
        TlsSettings settings = tls.settings().withClientCa(tls.caPem(), TlsSettings.ClientAuth.OPTIONAL)
                .withUserRules(List.of(new CertificateUserRule("CN=([a-z0-9]+),OU=apps,O=Acme", null, "app-$1")));
        int port = bind(ListenerConfig.tcp("mtls", "127.0.0.1", 0, "alpha")
                .withSsl(ReloadingSslContext.open(settings)));
        try (SSLSocket s = connect(tls.clientContext(tls.clientKeyStore("CN=billing,OU=apps,O=Acme")), port, null)) {
            assertThat(roundTrip(s, "WHO")).isEqualTo("alpha[tls]:user=app-billing");
        }
        try (SSLSocket s = connect(tls.clientContext(tls.clientKeyStore("CN=intruder,O=Elsewhere")), port, null)) {
            assertThat(roundTrip(s, "WHO")).isEqualTo("alpha[tls]:user=-");
        }
        try (SSLSocket s = connect(tls.clientContext(), port, null)) {
            assertThat(roundTrip(s, "WHO")).isEqualTo("alpha[tls]:user=-");
        }
    }

    @Test
    void requiredClientCertificateFromAnotherCaIsRefused() throws Exception {
        TestTls tls = TestTls.create(dir);
        TestTls other = TestTls.create(Files.createDirectory(dir.resolve("other")));
        int port = bind(ListenerConfig.tcp("mtls", "127.0.0.1", 0, "alpha").withSsl(ReloadingSslContext.open(
                tls.settings().withClientCa(tls.caPem(), TlsSettings.ClientAuth.REQUIRED))));
        try (CapturedLog log = CapturedLog.capture()) {
            // The server's certificate comes from tls's CA: trust it, but present other's client certificate.
            SSLContext mixed = SSLContext.getInstance("TLS");
            mixed.init(keyManagers(other.clientKeyStore("CN=app")), trustManagers(tls), null);
            assertThatThrownBy(() -> roundTrip(connect(mixed, port, null), "WHO")).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> roundTrip(connect(tls.clientContext(), port, null), "WHO"))
                    .isInstanceOf(IOException.class);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(refusals(log)).hasSize(2));
        }
        try (SSLSocket s = connect(tls.clientContext(tls.clientKeyStore("CN=app")), port, null)) {
            assertThat(roundTrip(s, "WHO")).isEqualTo("alpha[tls]:user=app");
        }
    }

    private static javax.net.ssl.KeyManager[] keyManagers(Path store) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, TestTls.STORE_PASSWORD.toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, TestTls.STORE_PASSWORD.toCharArray());
        return kmf.getKeyManagers();
    }

    private static javax.net.ssl.TrustManager[] trustManagers(TestTls tls) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", tls.ca().certificate());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf.getTrustManagers();
    }

    private static List<LogEvent> refusals(CapturedLog log) {
        return log.events().stream()
                .filter(e -> e.getMessage().getFormattedMessage().startsWith("TLS connection from")).toList();
    }

    /** A file's time may not move within one clock tick: move it on, so the reload check cannot miss it. */
    private static void touch(TestTls tls) throws IOException {
        FileTime later = FileTime.from(Instant.now().plusSeconds(5 + (System.nanoTime() % 1000)));
        Files.setLastModifiedTime(tls.serverPem(), later);
        Files.setLastModifiedTime(tls.serverKey(), later);
    }

    private static SSLSocket connect(SSLContext context, int port, String version) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(20_000);
        SSLParameters params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (version != null) {
            params.setProtocols(new String[] {version});
        }
        s.setSSLParameters(params);
        return s;
    }

    private static String roundTrip(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (reply == null) {
            throw new SSLException("connection closed without a reply");
        }
        return reply;
    }

    private static String readToEnd(Socket s) {
        try {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}
