package io.ferrymq.core.security;

import io.ferrymq.core.errors.BrokerException;

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
}
