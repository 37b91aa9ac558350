package io.ferrymq.server;

import io.ferrymq.server.config.ConfigException;
import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.server.config.FerryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ferrymq tls self-signed} and {@code conf/examples/tls.yaml}: TLS in two commands. */
class TlsSelfSignedCommandTest {

    @Test
    void writesACaAndAServerCertificateThatTheExampleConfigurationServes(@TempDir Path dir) throws Exception {
        Path tlsDir = dir.resolve("conf/tls");
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main()).setOut(new PrintWriter(out));
        assertThat(cli.execute("tls", "self-signed", "--dir", tlsDir.toString())).isZero();
        assertThat(out.toString()).contains("ca.pem").contains("conf/examples/tls.yaml");
        assertThat(Files.getPosixFilePermissions(tlsDir.resolve("server.key"))).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

        X509Certificate ca = read(tlsDir.resolve("ca.pem"));
        X509Certificate serverCert = read(tlsDir.resolve("server.pem"));
        serverCert.verify(ca.getPublicKey());
        assertThat(serverCert.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
                .containsExactlyInAnyOrder("localhost", "127.0.0.1");

        // A second run does not silently replace the CA clients already trust.
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("tls", "self-signed", "--dir", tlsDir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("exists; pass --force");

        // conf/examples/tls.yaml, with its paths made absolute and its ports free, opens every listener with TLS.
        String example = Files.readString(Path.of("..", "conf", "examples", "tls.yaml"))
                .replace("conf/tls/", tlsDir + "/")
                .replaceAll("port: \\d+", "port: 0");
        Path file = dir.resolve("tls.yaml");
        Files.writeString(file, example + "\nstorage:\n  type: memory\n");
        FerryConfig config = new ConfigLoader().load(file);
        try (FerryServer server = FerryServer.start(config)) {
            assertThat(server.listeners().keySet()).isEqualTo(Set.of("amqps", "mqtts", "stomps", "openwire-ssl",
                    "wss", "aws-https", "unified", "management-https"));
            SSLContext client = trusting(ca);
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1",
                    server.listeners().get("stomps").getPort())) {
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(p);
                s.startHandshake();
                assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
        }
    }

    @Test
    void tlsListenersOfTheDefaultsOpenOnlyWithACertificate(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("plain.yaml");
        Files.writeString(plain, "storage:\n  type: memory\nlisteners:\n"
                + "  - {name: stomp, protocols: [stomp], port: 0}\n"
                + "  - {name: stomps, protocols: [stomp], port: 0, tls: auto}\n");
        try (FerryServer server = FerryServer.start(new ConfigLoader().load(plain))) {
            assertThat(server.listeners().keySet()).containsExactly("stomp");
        }
        Path noCertificate = dir.resolve("no-certificate.yaml");
        Files.writeString(noCertificate, "storage:\n  type: memory\nlisteners:\n"
                + "  - {name: stomps, protocols: [stomp], port: 0, tls: true}\n");
        assertThatThrownBy(() -> FerryServer.start(new ConfigLoader().load(noCertificate)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bin/ferrymq tls self-signed");
        Path missing = dir.resolve("missing.yaml");
        Files.writeString(missing, "storage:\n  type: memory\ntls:\n  certificate: " + dir.resolve("nope.pem")
                + "\n  key: " + dir.resolve("nope.key") + "\nlisteners:\n"
                + "  - {name: stomps, protocols: [stomp], port: 0, tls: true}\n");
        assertThatThrownBy(() -> FerryServer.start(new ConfigLoader().load(missing)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.pem");
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static SSLContext trusting(X509Certificate ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }
}
