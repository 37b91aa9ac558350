package io.ferrymq.server.config;

import io.ferrymq.transport.tls.CertificateUserRule;
import io.ferrymq.transport.tls.TlsSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Reads the {@code tls} section into the transport's {@link TlsSettings}. */
public final class TlsBuilder {

    private TlsBuilder() {
    }

    /** How a listener uses TLS ({@code tls:} on the listener). */
    public enum Mode {
        OFF, REQUIRED, OPTIONAL, AUTO;

        public static Mode of(String written, String listener) {
            if (written == null) {
                return OFF;
            }
            return switch (written.toLowerCase(Locale.ROOT)) {
                case "false", "off", "no" -> OFF;
                case "true", "required", "on", "yes" -> REQUIRED;
                case "optional" -> OPTIONAL;
                case "auto" -> AUTO;
                default -> throw new ConfigException("listeners." + listener + ".tls: '" + written
                        + "' is not one of true (required), optional, auto, false");
            };
        }
    }

    /**
     * @throws ConfigException when the section names no certificate, or a bad value
     */
    public static TlsSettings settings(FerryConfig.Tls tls) {
        if (tls == null || !tls.configured()) {
            throw new ConfigException("tls: a TLS listener needs tls.certificate and tls.key (PEM) or tls.keystore "
                    + "(PKCS#12); bin/ferrymq tls self-signed writes a local CA and certificate to conf/tls/");
        }
        try {
            return new TlsSettings(path(tls.certificate()), path(tls.key()),
                    SecretText.resolve(tls.keyPassword(), "tls.key-password"), path(tls.keystore()),
                    SecretText.resolve(tls.keystorePassword(), "tls.keystore-password"), path(tls.clientCa()),
                    clientAuth(tls.clientAuth()), tls.protocols(), tls.ciphers(),
                    duration(tls.reloadCheck(), "tls.reload-check"),
                    duration(tls.handshakeTimeout(), "tls.handshake-timeout"), rules(tls.clientUsers()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage().startsWith("tls") ? e.getMessage() : "tls: " + e.getMessage(), e);
        }
    }

    private static List<CertificateUserRule> rules(List<FerryConfig.ClientUser> users) {
        if (users == null) {
            return List.of();
        }
        return users.stream().map(u -> new CertificateUserRule(u.subject(), u.san(), u.user())).toList();
    }

    private static TlsSettings.ClientAuth clientAuth(String written) {
        if (written == null) {
            return null;
        }
        return switch (written.toLowerCase(Locale.ROOT)) {
            case "none" -> TlsSettings.ClientAuth.NONE;
            case "optional" -> TlsSettings.ClientAuth.OPTIONAL;
            case "required" -> TlsSettings.ClientAuth.REQUIRED;
            default -> throw new ConfigException("tls.client-auth: '" + written + "' is not one of none, optional, required");
        };
    }

    private static Path path(String written) {
        return written == null ? null : Path.of(written);
    }

    private static Duration duration(String written, String setting) {
        return written == null ? null : Duration.ofMillis(DurationText.millis(written, setting));
    }
}
