package io.ferrymq.transport;

import io.ferrymq.transport.testing.TestTls;
import io.ferrymq.transport.tls.ReloadingSslContext;
import io.ferrymq.transport.tls.TlsSettings;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A client that comes back offers its last session (a TLS 1.2 session id, a TLS 1.3 ticket) and the listener resumes
 * it with either engine: no certificate is sent, so the client's trust manager is not asked again, and a client
 * certificate's user is known on the resumed connection as on the first. After a
 * certificate reload, an old session or ticket gives a full handshake with the new certificate, never a failure.
 */
class TlsSessionResumptionTest {

    @TempDir
    Path dir;

    private final NettyServer server = new NettyServer(1, List.of(new LineProtocol("alpha", "ALPHA")));

    @AfterEach
    void stop() {
        server.close(Duration.ofSeconds(2));
    }

    @ParameterizedTest(name = "{0} engine, {1}")
    @CsvSource({"OPENSSL, TLSv1.3", "OPENSSL, TLSv1.2", "JDK, TLSv1.3", "JDK, TLSv1.2"})
    void secondConnectionResumesTheFirstOnesSession(SslProvider engine, String version) throws Exception {
        assumeTrue(engine != SslProvider.OPENSSL || OpenSsl.isAvailable(), "netty-tcnative does not load here");
        TestTls tls = TestTls.create(dir);
        int port = server.bind(ListenerConfig.tcp("tls", "127.0.0.1", 0, "alpha")
                .withSsl(ReloadingSslContext.open(tls.settings(), engine))).getPort();
        CountingTrust trust = new CountingTrust(tls);

        try (SSLSocket first = connect(trust.context, port, version)) {
            // The reply comes after the TLS 1.3 tickets the server sends once the handshake is done.
            assertThat(roundTrip(first, "ALPHA one")).isEqualTo("alpha[tls]:ALPHA one");
            assertThat(first.getSession().getProtocol()).isEqualTo(version);
        }
        assertThat(trust.serverChecks).as("the first connection's full handshake").hasValue(1);

        try (SSLSocket second = connect(trust.context, port, version)) {
            assertThat(roundTrip(second, "ALPHA two")).isEqualTo("alpha[tls]:ALPHA two");
        }
        assertThat(trust.serverChecks).as("the second connection resumed: no certificate to check").hasValue(1);
    }

    @ParameterizedTest(name = "{0} engine, {1}")
    @CsvSource({"OPENSSL, TLSv1.3", "OPENSSL, TLSv1.2", "JDK, TLSv1.3", "JDK, TLSv1.2"})
    void resumedSessionKeepsTheClientCertificatesUser(SslProvider engine, String version) throws Exception {
        assumeTrue(engine != SslProvider.OPENSSL || OpenSsl.isAvailable(), "netty-tcnative does not load here");
        TestTls tls = TestTls.create(dir);
        int port = server.bind(ListenerConfig.tcp("mtls", "127.0.0.1", 0, "alpha").withSsl(ReloadingSslContext.open(
                tls.settings().withClientCa(tls.caPem(), TlsSettings.ClientAuth.REQUIRED), engine))).getPort();
        CountingTrust trust = new CountingTrust(tls, tls.clientKeyStore("CN=billing"));

        for (int i = 0; i < 2; i++) {
            try (SSLSocket s = connect(trust.context, port, version)) {
                assertThat(roundTrip(s, "WHO")).as("connection %d", i).isEqualTo("alpha[tls]:user=billing");
            }
        }
        assertThat(trust.serverChecks).as("the second connection resumed").hasValue(1);
    }

    @ParameterizedTest(name = "{0} engine, {1}")
    @CsvSource({"OPENSSL, TLSv1.3", "OPENSSL, TLSv1.2", "JDK, TLSv1.3", "JDK, TLSv1.2"})
    void sessionFromBeforeACertificateReloadGivesAFullHandshakeWithTheNewCertificate(SslProvider engine,
                                                                                    String version) throws Exception {
        assumeTrue(engine != SslProvider.OPENSSL || OpenSsl.isAvailable(), "netty-tcnative does not load here");
        TestTls tls = TestTls.create(dir);
        int port = server.bind(ListenerConfig.tcp("tls", "127.0.0.1", 0, "alpha")
                .withSsl(ReloadingSslContext.open(tls.settings().withReloadCheck(Duration.ZERO), engine))).getPort();
        CountingTrust trust = new CountingTrust(tls);
        try (SSLSocket first = connect(trust.context, port, version)) {
            assertThat(roundTrip(first, "ALPHA one")).isEqualTo("alpha[tls]:ALPHA one");
        }

        tls.writeServer(tls.ca().issueServer("localhost-renewed", List.of("localhost", "127.0.0.1"),
                Duration.ofDays(1)));
        FileTime later = FileTime.from(Instant.now().plusSeconds(5 + (System.nanoTime() % 1000)));
        Files.setLastModifiedTime(tls.serverPem(), later);
        Files.setLastModifiedTime(tls.serverKey(), later);

        try (SSLSocket afterReload = connect(trust.context, port, version)) {
            assertThat(roundTrip(afterReload, "ALPHA two")).isEqualTo("alpha[tls]:ALPHA two");
            X509Certificate served = (X509Certificate) afterReload.getSession().getPeerCertificates()[0];
            assertThat(served.getSubjectX500Principal().getName()).isEqualTo("CN=localhost-renewed");
        }
        assertThat(trust.serverChecks).as("the old session was not resumed on the new context").hasValue(2);
        try (SSLSocket resumed = connect(trust.context, port, version)) {
            assertThat(roundTrip(resumed, "ALPHA three")).isEqualTo("alpha[tls]:ALPHA three");
        }
        assertThat(trust.serverChecks).as("the new context's sessions resume").hasValue(2);
    }

    private static SSLSocket connect(SSLContext context, int port, String version) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(20_000);
        SSLParameters params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        params.setProtocols(new String[] {version});
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

    /**
     * A client context whose trust manager counts the server certificates it checks: a full handshake checks one,
     * a resumed one none (the server sends no certificate).
     */
    private static final class CountingTrust {

        final AtomicInteger serverChecks = new AtomicInteger();
        final SSLContext context;

        CountingTrust(TestTls tls) throws Exception {
            this(tls, null);
        }

        /** With the client certificate of this PKCS#12 store (null for none). */
        CountingTrust(TestTls tls, Path clientKeyStore) throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", tls.ca().certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            X509ExtendedTrustManager real = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
            context = SSLContext.getInstance("TLS");
            KeyManager[] keys = null;
            if (clientKeyStore != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (var in = Files.newInputStream(clientKeyStore)) {
                    ks.load(in, TestTls.STORE_PASSWORD.toCharArray());
                }
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, TestTls.STORE_PASSWORD.toCharArray());
                keys = kmf.getKeyManagers();
            }
            context.init(keys, new TrustManager[] {new X509ExtendedTrustManager() {
                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                        throws java.security.cert.CertificateException {
                    serverChecks.incrementAndGet();
                    real.checkServerTrusted(chain, authType, socket);
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                        throws java.security.cert.CertificateException {
                    serverChecks.incrementAndGet();
                    real.checkServerTrusted(chain, authType, engine);
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType)
                        throws java.security.cert.CertificateException {
                    serverChecks.incrementAndGet();
                    real.checkServerTrusted(chain, authType);
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                        throws java.security.cert.CertificateException {
                    real.checkClientTrusted(chain, authType, socket);
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                        throws java.security.cert.CertificateException {
                    real.checkClientTrusted(chain, authType, engine);
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType)
                        throws java.security.cert.CertificateException {
                    real.checkClientTrusted(chain, authType);
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return real.getAcceptedIssuers();
                }
            }}, null);
        }
    }
}
