package io.ferrymq.transport.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A server TLS context built from {@link TlsSettings} that rebuilds itself when its files change: a new
 * connection at most every {@link TlsSettings#reloadCheck()} looks at the files' times and sizes, and a change
 * gives later connections the new certificate while open ones keep theirs. A change that does not load (a key
 * written before its certificate) keeps the old context and is tried again at the next look.
 */
public final class ReloadingSslContext extends SslContext {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadingSslContext.class);

    /** System property that picks the TLS engine: openssl, jdk or auto (the default); for benchmarks and tests. */
    public static final String ENGINE_PROPERTY = "ferrymq.tls.engine";

    private final TlsSettings settings;
    private final SslProvider provider;
    private volatile SslContext current;
    private volatile List<String> stamp;
    private volatile long nextCheckNanos;

    private ReloadingSslContext(TlsSettings settings, SslProvider provider, SslContext first, List<String> stamp) {
        this.settings = settings;
        this.provider = provider;
        this.current = first;
        this.stamp = stamp;
        this.nextCheckNanos = System.nanoTime() + settings.reloadCheck().toNanos();
    }

    /**
     * Loads the certificate and key, with the OpenSSL engine where its native library loads (or the engine
     * {@value #ENGINE_PROPERTY} names).
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static ReloadingSslContext open(TlsSettings settings) {
        return open(settings, engine(System.getProperty(ENGINE_PROPERTY)));
    }

    /**
     * Loads the certificate and key for this engine (OPENSSL or JDK).
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static ReloadingSslContext open(TlsSettings settings, SslProvider provider) {
        List<String> stamp = stamp(settings);
        SslContext first = build(settings, provider);
        LOG.info("TLS context from {} with the {} engine", settings.files(), provider);
        return new ReloadingSslContext(settings, provider, first, stamp);
    }

    /**
     * The engine for a value of {@value #ENGINE_PROPERTY}: {@code openssl} (fails when netty-tcnative does not
     * load), {@code jdk}, or unset/{@code auto} for OpenSSL where it loads and the JDK's engine elsewhere.
     *
     * @throws IllegalArgumentException for another value, or {@code openssl} where it does not load
     */
    static SslProvider engine(String value) {
        String v = value == null ? "auto" : value.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "", "auto" -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            case "jdk" -> SslProvider.JDK;
            case "openssl" -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalArgumentException(ENGINE_PROPERTY + "=openssl, but the OpenSSL engine does not load: "
                            + OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
            default -> throw new IllegalArgumentException(ENGINE_PROPERTY + ": '" + value
                    + "' is not an engine; use openssl, jdk or auto");
        };
    }

    public TlsSettings settings() {
        return settings;
    }

    /** Which engine serves the handshakes: OPENSSL (BoringSSL) or JDK. */
    public SslProvider provider() {
        return provider;
    }

    private SslContext context() {
        long now = System.nanoTime();
        if (now - nextCheckNanos >= 0) {
            nextCheckNanos = now + settings.reloadCheck().toNanos();
            reloadIfChanged();
        }
        return current;
    }

    private synchronized void reloadIfChanged() {
        List<String> seen;
        try {
            seen = stamp(settings);
        } catch (IllegalArgumentException e) {
            LOG.warn("TLS files cannot be read ({}); connections keep the certificate loaded before", e.getMessage());
            return;
        }
        if (seen.equals(stamp)) {
            return;
        }
        try {
            current = build(settings, provider);
            stamp = seen;
            LOG.info("TLS certificate reloaded from {}: new connections use it", settings.files());
        } catch (IllegalArgumentException e) {
            LOG.warn("TLS files changed but do not load ({}); connections keep the certificate loaded before",
                    e.getMessage());
        }
    }

    private static List<String> stamp(TlsSettings settings) {
        List<String> out = new ArrayList<>();
        for (Path f : settings.files()) {
            try {
                out.add(f + "@" + Files.getLastModifiedTime(f).toMillis() + "/" + Files.size(f));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + f + ": " + e, e);
            }
        }
        return out;
    }

    private static SslContext build(TlsSettings s, SslProvider provider) {
        SslContextBuilder b;
        try {
            if (s.keystore() != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                char[] pass = s.keystorePassword() == null ? new char[0] : s.keystorePassword().toCharArray();
                try (InputStream in = Files.newInputStream(s.keystore())) {
                    ks.load(in, pass);
                }
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, pass);
                b = SslContextBuilder.forServer(kmf);
            } else {
                b = SslContextBuilder.forServer(s.certificate().toFile(), s.key().toFile(), s.keyPassword());
            }
            b.sslProvider(provider)
                    .protocols(s.protocols())
                    .ciphers(s.ciphers().isEmpty() ? TlsSettings.DEFAULT_CIPHERS : s.ciphers(),
                            SupportedCipherSuiteFilter.INSTANCE);
            if (s.clientAuth() != TlsSettings.ClientAuth.NONE) {
                b.trustManager(s.clientCa().toFile())
                        .clientAuth(s.clientAuth() == TlsSettings.ClientAuth.REQUIRED
                                ? io.netty.handler.ssl.ClientAuth.REQUIRE : io.netty.handler.ssl.ClientAuth.OPTIONAL);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("TLS certificate " + describe(s) + ": " + e.getMessage(), e);
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new IllegalArgumentException("TLS certificate " + describe(s) + " does not load: "
                    + Objects.toString(root.getMessage(), root.getClass().getSimpleName()), e);
        }
    }

    private static String describe(TlsSettings s) {
        return s.keystore() != null ? s.keystore().toString() : s.certificate() + " with key " + s.key();
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls) {
        // The current context's own handler, not one around newEngine(): for OpenSSL that is an engine outside
        // JDK compatibility mode, which unwraps every TLS record a read brought in one call rather than one
        // record per call. (This context is never a STARTTLS one, so startTls is false here as there.)
        SslHandler h = context().newHandler(alloc);
        h.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
        return h;
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls) {
        SslHandler h = context().newHandler(alloc, peerHost, peerPort);
        h.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
        return h;
    }

    @Override
    public boolean isClient() {
        return false;
    }

    @Override
    public List<String> cipherSuites() {
        return current.cipherSuites();
    }

    @Override
    public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
        return current.applicationProtocolNegotiator();
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc) {
        return context().newEngine(alloc);
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
        return context().newEngine(alloc, peerHost, peerPort);
    }

    @Override
    public SSLSessionContext sessionContext() {
        return current.sessionContext();
    }
}
