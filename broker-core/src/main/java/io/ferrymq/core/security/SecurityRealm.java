package io.ferrymq.core.security;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;

import java.util.Optional;

/**
 * Authentication and authorisation. The broker asks it on connect and before every send, consume,
 * declaration and deletion; implementations must be fast and thread-safe.
 */
public interface SecurityRealm {

    /**
     * Checks credentials; {@code username} null means the client gave none.
     *
     * @throws BrokerException with {@code AUTHENTICATION_FAILED} and a message that does not reveal
     *                         whether the user exists
     */
    BrokerPrincipal authenticate(String username, String password, ClientInfo client);

    /** Whether {@code who} may do {@code what} to the named resource in the virtual host. */
    boolean isAllowed(BrokerPrincipal who, Permission what, String vhost, String resource);

    /**
     * A number that changes whenever an answer of {@link #isAllowed} may change (rules replaced by an operator),
     * so a session may keep the answers it got under one version for as long as this returns it. Negative: the
     * answers may change at any time and must not be kept.
     */
    default long permissionsVersion() {
        return -1;
    }

    /** Whether {@code who} may open sessions in the virtual host at all. */
    boolean mayAccess(BrokerPrincipal who, String vhost);

    /**
     * The principal of a configured user, without checking any password: for protocols that
     * authenticate by their own means and then act as a broker user (an AWS access key mapped to a user
     * after its SigV4 signature was verified). Empty when the realm has no such user or cannot tell.
     */
    default Optional<BrokerPrincipal> principalOf(String username) {
        return Optional.empty();
    }

    /**
     * The principal of a configured user that {@code client} proved to be by other means than a password (a
     * verified client certificate), with every rule of a login applied except the password: a user that may
     * only connect from loopback is refused from anywhere else.
     *
     * @throws BrokerException {@code AUTHENTICATION_FAILED} when the user is not configured or may not connect
     *                         from where the client is
     */
    default BrokerPrincipal vouchedFor(String username, ClientInfo client) {
        return principalOf(username).orElseThrow(() -> new BrokerException(ErrorCode.AUTHENTICATION_FAILED,
                "user '" + username + "' is not configured"));
    }
}
