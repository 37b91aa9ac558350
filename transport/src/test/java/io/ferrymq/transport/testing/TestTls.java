package io.ferrymq.transport.testing;

import io.ferrymq.transport.tls.CertificateAuthority;
import io.ferrymq.transport.tls.TlsSettings;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;

/**
 * Certificates for TLS tests, written to a test's directory as {@code ferrymq tls self-signed} writes them: a CA
 * ({@code ca.pem}), a server certificate for localhost and 127.0.0.1 ({@code server.pem}, {@code server.key}),
 * and what clients need to trust it (a PKCS#12 trust store, an {@link SSLContext}) or to present a certificate.
 */
public final class TestTls {

    public static final String STORE_PASSWORD = "changeit";

    private final Path dir;
    private final CertificateAuthority ca;

    private TestTls(Path dir, CertificateAuthority ca) {
        this.dir = dir;
        this.ca = ca;
    }

    /** A new CA and a server certificate for localhost in {@code dir}. */
    public static TestTls create(Path dir) {
        TestTls tls = new TestTls(dir, CertificateAuthority.create("FerryMQ test CA", Duration.ofDays(2)));
        tls.writeServer(tls.ca.issueServer("localhost", List.of("localhost", "127.0.0.1"), Duration.ofDays(1)));
        try {
            CertificateAuthority.writeCertificate(tls.ca.certificate(), tls.caPem());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tls;
    }

    public CertificateAuthority ca() {
        return ca;
    }

    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    public Path serverPem() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /** The listener settings for the server certificate. */
    public TlsSettings settings() {
        return TlsSettings.pem(serverPem(), serverKey());
    }

    /** Replaces the server's certificate files (a reload test's new certificate). */
    public void writeServer(CertificateAuthority.Issued issued) {
        try {
            issued.writePem(serverPem(), serverKey());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PKCS#12 trust store (password {@value #STORE_PASSWORD}) holding the CA, for clients that take a file. */
    public Path trustStore() {
        Path file = dir.resolve("truststore.p12");
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ferrymq-ca", ca.certificate());
            try (OutputStream out = Files.newOutputStream(file)) {
                ks.store(out, STORE_PASSWORD.toCharArray());
            }
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKCS#12 key store (password {@value #STORE_PASSWORD}) with a client certificate for this subject. */
    public Path clientKeyStore(String subjectDn) {
        CertificateAuthority.Issued client = ca.issueClient(subjectDn, Duration.ofDays(1));
        Path file = dir.resolve("client-" + Integer.toHexString(subjectDn.hashCode()) + ".p12");
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", client.key(), STORE_PASSWORD.toCharArray(),
                    new Certificate[] {client.certificate(), ca.certificate()});
            try (OutputStream out = Files.newOutputStream(file)) {
                ks.store(out, STORE_PASSWORD.toCharArray());
            }
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a client certificate and key as PEM files (for command-line clients); returns {cert, key}. */
    public Path[] clientPem(String subjectDn, String name) {
        CertificateAuthority.Issued client = ca.issueClient(subjectDn, Duration.ofDays(1));
        Path cert = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        try {
            client.writePem(cert, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Path[] {cert, key};
    }

    /** A client context that trusts the CA. */
    public SSLContext clientContext() {
        return clientContext(null);
    }

    /** A client context that trusts the CA and presents the certificate in this key store (null for none). */
    public SSLContext clientContext(Path keyStore) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ferrymq-ca", ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (keyStore != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (var in = Files.newInputStream(keyStore)) {
                    ks.load(in, STORE_PASSWORD.toCharArray());
                }
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, STORE_PASSWORD.toCharArray());
            }
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return c;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
