package io.ferrymq.bench.driver;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Objects;

/**
 * The CA a load generator trusts when it connects over TLS: a PEM bundle such as the {@code conf/tls/ca.pem} that
 * {@code ferrymq tls self-signed} writes. Host names are verified as any real client would.
 *
 * @param caFile PEM file of one or more CA certificates
 */
public record TlsTrust(Path caFile) {

    public TlsTrust {
        Objects.requireNonNull(caFile, "caFile");
    }

    /** Trust managers that accept exactly the certificates signed by the CAs of {@link #caFile()}. */
    public TrustManagerFactory trustManagerFactory() {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException("no certificate in " + caFile);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the CA file " + caFile + ": " + e.getMessage(), e);
        }
    }

    /** A JDK client context (TLS 1.2/1.3) trusting {@link #caFile()}. */
    public SSLContext sslContext() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trustManagerFactory().getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM: " + e.getMessage(), e);
        }
    }

    /** A Netty client context trusting {@link #caFile()}. */
    public SslContext nettyClientContext() {
        try {
            return SslContextBuilder.forClient().trustManager(trustManagerFactory()).build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot build a TLS client context: " + e.getMessage(), e);
        }
    }
}
