package io.ferrymq.tests.tls;

import io.ferrymq.server.FerryServer;
import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.transport.testing.TestTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A listener with {@code tls-certificate} and {@code tls-key} of its own serves that certificate, while the other TLS
 * listeners keep the {@code tls} section's: a client trusting only one CA reaches only the listener it signed for.
 */
class ListenerCertificateTest {

    @Test
    void aListenersOwnCertificateReplacesTheGlobalOneOnThatListenerOnly(@TempDir Path dir) throws Exception {
        TestTls global = TestTls.create(Files.createDirectory(dir.resolve("global")));
        TestTls own = TestTls.create(Files.createDirectory(dir.resolve("own")));
        Path file = dir.resolve("broker.yaml");
        Files.writeString(file, """
                storage:
                  type: memory
                tls:
                  certificate: %s
                  key: %s
                listeners:
                  - {name: global, protocols: [stomp], port: 0, tls: true}
                  - {name: own, protocols: [stomp], port: 0, tls: true, tls-certificate: %s, tls-key: %s}
                """.formatted(global.serverPem(), global.serverKey(), own.serverPem(), own.serverKey()));
        try (FerryServer server = FerryServer.start(new ConfigLoader().load(file))) {
            int globalPort = server.listeners().get("global").getPort();
            int ownPort = server.listeners().get("own").getPort();

            assertThat(issuerSeen(own.clientContext(), ownPort)).isEqualTo(own.ca().certificate().getSubjectX500Principal()
                    .getName());
            assertThat(issuerSeen(global.clientContext(), globalPort))
                    .isEqualTo(global.ca().certificate().getSubjectX500Principal().getName());
            assertThat(catchThrowable(() -> issuerSeen(global.clientContext(), ownPort)))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(catchThrowable(() -> issuerSeen(own.clientContext(), globalPort)))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    /** Logs in over STOMP through TLS and returns the issuer of the certificate the listener presented. */
    private static String issuerSeen(SSLContext context, int port) throws Exception {
        try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
            s.setSoTimeout(30_000);
            s.startHandshake();
            X509Certificate presented = (X509Certificate) s.getSession().getPeerCertificates()[0];
            s.getOutputStream().write("CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\n\n\0"
                    .getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            for (int b = in.read(); b > 0; b = in.read()) {
                frame.write(b);
            }
            assertThat(frame.toString(StandardCharsets.UTF_8)).startsWith("CONNECTED");
            return presented.getIssuerX500Principal().getName();
        }
    }
}
