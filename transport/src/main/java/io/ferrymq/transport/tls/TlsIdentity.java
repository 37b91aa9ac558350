package io.ferrymq.transport.tls;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Who a TLS client proved to be with its certificate (mutual TLS), for adapters to log it in without a password:
 * SASL EXTERNAL in AMQP, a CONNECT without credentials in MQTT and STOMP.
 */
public final class TlsIdentity {

    private static final AttributeKey<String> USER = AttributeKey.valueOf("ferrymq.tls.certificate-user");
    private static final AttributeKey<String> SUBJECT = AttributeKey.valueOf("ferrymq.tls.certificate-subject");

    private TlsIdentity() {
    }

    /**
     * The broker user the connection's verified client certificate maps to; empty when the connection is not
     * TLS, sent no certificate, or no rule maps its certificate.
     */
    public static Optional<String> certificateUser(Channel channel) {
        return Optional.ofNullable(channel.attr(USER).get());
    }

    /** The verified client certificate's subject DN, for log lines; empty as for {@link #certificateUser}. */
    public static Optional<String> certificateSubject(Channel channel) {
        return Optional.ofNullable(channel.attr(SUBJECT).get());
    }

    /** Records the mapped user once the handshake has verified the client's certificate. */
    static void record(Channel channel, SSLSession session, List<CertificateUserRule> rules) {
        X509Certificate cert = peer(session);
        if (cert == null) {
            return;
        }
        String dn = cert.getSubjectX500Principal().getName();
        channel.attr(SUBJECT).set(dn);
        List<String> sans = sans(cert);
        for (CertificateUserRule r : rules.isEmpty() ? List.of(CertificateUserRule.commonName()) : rules) {
            Optional<String> user = r.apply(dn, sans);
            if (user.isPresent()) {
                channel.attr(USER).set(user.get());
                return;
            }
        }
    }

    private static X509Certificate peer(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static List<String> sans(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> n : names) {
                    if (n.size() >= 2 && n.get(1) instanceof String s) {
                        out.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return out;
        }
        return out;
    }
}
