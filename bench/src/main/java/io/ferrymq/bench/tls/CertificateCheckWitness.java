package io.ferrymq.bench.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * A client trust manager that notes, for the thread doing a handshake, whether the server sent a certificate to
 * check: a full handshake does, a resumed one does not. The JDK gives no other public sign of a resumed TLS 1.3
 * session (a resumed session may carry a new creation time).
 */
final class CertificateCheckWitness extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager real;
    private final ThreadLocal<Boolean> checked = ThreadLocal.withInitial(() -> false);

    CertificateCheckWitness(X509ExtendedTrustManager real) {
        this.real = real;
    }

    /** Forgets this thread's last check; call before a handshake. */
    void reset() {
        checked.set(false);
    }

    /** Whether this thread checked a server certificate since {@link #reset()}. */
    boolean checked() {
        return checked.get();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checked.set(true);
        real.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checked.set(true);
        real.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checked.set(true);
        real.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        real.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        real.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        real.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return real.getAcceptedIssuers();
    }
}
