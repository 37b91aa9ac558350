package io.ferrymq.amqp;

import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;

import java.nio.charset.StandardCharsets;

/**
 * The server side of SASL (AMQP 1.0 part 5.3) on Proton's SASL layer: offers PLAIN, and ANONYMOUS where
 * allowed, and turns the client's sasl-init into credentials. The broker checks them asynchronously and
 * reports the outcome through {@link #succeed()} or {@link #fail()}.
 */
final class SaslServer {

    static final String PLAIN = "PLAIN";
    static final String ANONYMOUS = "ANONYMOUS";
    /** RFC 4422 appendix A: the identity the TLS client certificate established. */
    static final String EXTERNAL = "EXTERNAL";

    /** What the client presented; null user name and password for ANONYMOUS. */
    record Credentials(String mechanism, String username, String password) {
    }

    /** The client chose a mechanism the broker did not offer, or sent a malformed response. */
    static final class SaslRefused extends Exception {
        SaslRefused(String message) {
            super(message, null, false, false);
        }
    }

    private final Sasl sasl;
    private final boolean allowAnonymous;
    private final boolean external;

    /** @param external whether the connection has a TLS client certificate that maps to a user (EXTERNAL offered) */
    SaslServer(Transport transport, boolean allowAnonymous, boolean external) {
        this.sasl = transport.sasl();
        this.allowAnonymous = allowAnonymous;
        this.external = external;
        sasl.server();
        sasl.allowSkip(false);
        java.util.List<String> offered = new java.util.ArrayList<>();
        if (external) {
            offered.add(EXTERNAL);
        }
        offered.add(PLAIN);
        if (allowAnonymous) {
            offered.add(ANONYMOUS);
        }
        sasl.setMechanisms(offered.toArray(String[]::new));
    }

    /** Whether the client's sasl-init has arrived. */
    boolean initReceived() {
        String[] chosen = sasl.getRemoteMechanisms();
        return chosen != null && chosen.length > 0;
    }

    String hostname() {
        return sasl.getHostname();
    }

    Credentials credentials() throws SaslRefused {
        String mechanism = sasl.getRemoteMechanisms()[0];
        byte[] response = new byte[Math.max(0, sasl.pending())];
        if (response.length > 0) {
            sasl.recv(response, 0, response.length);
        }
        if (PLAIN.equals(mechanism)) {
            return plain(response);
        }
        if (ANONYMOUS.equals(mechanism) && allowAnonymous) {
            return new Credentials(ANONYMOUS, null, null);
        }
        if (EXTERNAL.equals(mechanism) && external) {
            return new Credentials(EXTERNAL, null, null);
        }
        throw new SaslRefused("SASL mechanism '" + mechanism + "' is not offered; use "
                + (external ? "EXTERNAL, " : "") + (allowAnonymous ? "PLAIN or ANONYMOUS" : "PLAIN")
                + (EXTERNAL.equals(mechanism) ? " (EXTERNAL needs a TLS client certificate that maps to a user)" : ""));
    }

    /** RFC 4616: [authzid] NUL authcid NUL passwd. */
    private static Credentials plain(byte[] response) throws SaslRefused {
        int first = indexOf(response, 0);
        int second = first < 0 ? -1 : indexOf(response, first + 1);
        if (first < 0 || second < 0) {
            throw new SaslRefused("malformed SASL PLAIN response: expected authzid NUL authcid NUL password");
        }
        String user = new String(response, first + 1, second - first - 1, StandardCharsets.UTF_8);
        String password = new String(response, second + 1, response.length - second - 1, StandardCharsets.UTF_8);
        if (user.isEmpty()) {
            throw new SaslRefused("SASL PLAIN response has an empty user name");
        }
        return new Credentials(PLAIN, user, password);
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    void succeed() {
        sasl.done(Sasl.SaslOutcome.PN_SASL_OK);
    }

    void fail() {
        sasl.done(Sasl.SaslOutcome.PN_SASL_AUTH);
    }
}
