package io.ferrymq.server;

import io.ferrymq.transport.tls.CertificateAuthority;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code ferrymq tls self-signed} writes: a local CA ({@code ca.pem}, and {@code ca.key} to issue client
 * certificates with) and a server certificate signed by it ({@code server.pem}, {@code server.key}). Clients
 * trust {@code ca.pem}; the broker serves {@code server.pem}.
 */
final class SelfSignedTls {

    static final List<String> FILES = List.of("ca.pem", "ca.key", "server.pem", "server.key");

    private SelfSignedTls() {
    }

    /**
     * @param names DNS names and IP addresses the server certificate is valid for
     * @throws IllegalStateException when the files exist and {@code overwrite} is false
     */
    static void write(Path dir, List<String> names, Duration validity, boolean overwrite) throws IOException {
        if (!overwrite) {
            for (String f : FILES) {
                if (Files.exists(dir.resolve(f))) {
                    throw new IllegalStateException(dir.resolve(f) + " exists; pass --force to replace the "
                            + "certificates (clients that trust the old ca.pem will then refuse the broker)");
                }
            }
        }
        Files.createDirectories(dir);
        CertificateAuthority ca = CertificateAuthority.create("FerryMQ local CA", validity);
        CertificateAuthority.writeCertificate(ca.certificate(), dir.resolve("ca.pem"));
        CertificateAuthority.writeKey(ca.key(), dir.resolve("ca.key"));
        ca.issueServer(names.get(0), names, validity).writePem(dir.resolve("server.pem"), dir.resolve("server.key"));
    }
}
