package io.ferrymq.transport.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Where a listener's certificate and key come from and what TLS it speaks.
 *
 * @param certificate      PEM certificate chain (the server's first); with {@code key}
 * @param key              PEM private key (PKCS#8, possibly encrypted with {@code keyPassword})
 * @param keyPassword      the PEM key's password; null when it is not encrypted
 * @param keystore         a PKCS#12 file holding key and chain, instead of {@code certificate} and {@code key}
 * @param keystorePassword the PKCS#12 file's password
 * @param clientCa         PEM bundle of the CAs whose client certificates are accepted (mutual TLS); null for none
 * @param clientAuth       whether clients must, may or need not present a certificate
 * @param protocols        TLS versions offered: TLSv1.2 and/or TLSv1.3 (older ones are refused)
 * @param ciphers          cipher suites in order of preference; empty for {@link #DEFAULT_CIPHERS}
 * @param reloadCheck      how often the files are looked at for changes (a new connection triggers the look);
 *                         {@link Duration#ZERO} for at every new connection
 * @param handshakeTimeout a connection that has not finished its TLS handshake by then is closed
 * @param userRules        how a client certificate maps to a broker user (first match wins)
 */
public record TlsSettings(Path certificate, Path key, String keyPassword, Path keystore, String keystorePassword,
                          Path clientCa, ClientAuth clientAuth, List<String> protocols, List<String> ciphers,
                          Duration reloadCheck, Duration handshakeTimeout, List<CertificateUserRule> userRules) {

    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    public static final Duration DEFAULT_RELOAD_CHECK = Duration.ofSeconds(5);
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The cipher suites offered when {@code ciphers} is empty: TLS 1.3's, and for TLS 1.2 only forward-secret
     * (ECDHE) AEAD ones, as Mozilla's "intermediate" profile: no static RSA key exchange, no CBC with SHA-1, and
     * nothing NULL, EXPORT, RC4, DES/3DES or anonymous. Suites an engine lacks are left out.
     */
    public static final List<String> DEFAULT_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    private static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    /** Whether a client presents a certificate. */
    public enum ClientAuth { NONE, OPTIONAL, REQUIRED }

    public TlsSettings {
        if (keystore == null && (certificate == null || key == null)) {
            throw new IllegalArgumentException("tls needs either certificate and key (PEM files) or keystore (PKCS#12)");
        }
        if (keystore != null && (certificate != null || key != null)) {
            throw new IllegalArgumentException("tls takes either certificate and key or keystore, not both");
        }
        clientAuth = clientAuth == null ? (clientCa == null ? ClientAuth.NONE : ClientAuth.OPTIONAL) : clientAuth;
        if (clientAuth != ClientAuth.NONE && clientCa == null) {
            throw new IllegalArgumentException("tls.client-auth " + clientAuth.name().toLowerCase()
                    + " needs client-ca: the CA bundle that client certificates are checked against");
        }
        protocols = protocols == null || protocols.isEmpty() ? DEFAULT_PROTOCOLS : List.copyOf(protocols);
        for (String p : protocols) {
            if (!ALLOWED_PROTOCOLS.contains(p)) {
                throw new IllegalArgumentException("tls.protocols: '" + p
                        + "' is not allowed; use TLSv1.2 and/or TLSv1.3 (older versions are insecure)");
            }
        }
        ciphers = ciphers == null ? List.of() : List.copyOf(ciphers);
        reloadCheck = reloadCheck == null ? DEFAULT_RELOAD_CHECK : reloadCheck;
        handshakeTimeout = handshakeTimeout == null ? DEFAULT_HANDSHAKE_TIMEOUT : handshakeTimeout;
        if (reloadCheck.isNegative()) {
            throw new IllegalArgumentException("tls.reload-check must not be negative");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("tls.handshake-timeout must be positive");
        }
        userRules = userRules == null ? List.of() : List.copyOf(userRules);
    }

    /** PEM certificate and key with every other setting at its default. */
    public static TlsSettings pem(Path certificate, Path key) {
        return new TlsSettings(certificate, key, null, null, null, null, null, null, null, null, null, null);
    }

    public TlsSettings withClientCa(Path ca, ClientAuth auth) {
        return new TlsSettings(certificate, key, keyPassword, keystore, keystorePassword, ca, auth, protocols, ciphers,
                reloadCheck, handshakeTimeout, userRules);
    }

    public TlsSettings withProtocols(List<String> p) {
        return new TlsSettings(certificate, key, keyPassword, keystore, keystorePassword, clientCa, clientAuth, p,
                ciphers, reloadCheck, handshakeTimeout, userRules);
    }

    public TlsSettings withReloadCheck(Duration d) {
        return new TlsSettings(certificate, key, keyPassword, keystore, keystorePassword, clientCa, clientAuth,
                protocols, ciphers, d, handshakeTimeout, userRules);
    }

    public TlsSettings withHandshakeTimeout(Duration d) {
        return new TlsSettings(certificate, key, keyPassword, keystore, keystorePassword, clientCa, clientAuth,
                protocols, ciphers, reloadCheck, d, userRules);
    }

    public TlsSettings withUserRules(List<CertificateUserRule> rules) {
        return new TlsSettings(certificate, key, keyPassword, keystore, keystorePassword, clientCa, clientAuth,
                protocols, ciphers, reloadCheck, handshakeTimeout, rules);
    }

    /** The files whose change means a reload. */
    List<Path> files() {
        return java.util.stream.Stream.of(certificate, key, keystore, clientCa).filter(java.util.Objects::nonNull).toList();
    }
}
