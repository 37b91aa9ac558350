package io.ferrymq.management.http;

import io.ferrymq.core.security.BrokerPrincipal;

import java.util.List;
import java.util.function.Predicate;

/**
 * An authenticated user of the API and what its roles let it do, after RabbitMQ's user tags:
 * {@code administrator} everything; {@code monitoring} read everything (every connection, the users are still
 * hidden); {@code management} read and act on queues, exchanges and bindings of the virtual hosts it has
 * permissions in, as those permissions allow, and see its own connections. A user with none of these may not use
 * the API.
 *
 * @param vhostAccess whether the user has permissions in a virtual host
 */
public record Caller(BrokerPrincipal principal, Predicate<String> vhostAccess) {

    public static final String ADMINISTRATOR = "administrator";
    public static final String MONITORING = "monitoring";
    public static final String MANAGEMENT = "management";
    public static final List<String> ROLES = List.of(ADMINISTRATOR, MONITORING, MANAGEMENT);

    public String name() {
        return principal.name();
    }

    public boolean administrator() {
        return principal.roles().contains(ADMINISTRATOR);
    }

    /** Sees everything (monitoring or administrator). */
    public boolean monitors() {
        return administrator() || principal.roles().contains(MONITORING);
    }

    /** May declare, delete, purge, publish and move, as far as its broker permissions go. */
    public boolean manages() {
        return administrator() || principal.roles().contains(MANAGEMENT);
    }

    /**
     * Sees the virtual host's queues, exchanges, bindings and consumers: monitoring and administrator users every
     * virtual host, management users those they have permissions in.
     */
    public boolean seesVhost(String vhost) {
        return monitors() || vhostAccess.test(vhost);
    }

    /** A path that names a virtual host the caller may not see: 401, as RabbitMQ answers. */
    public void requireVhost(String vhost) {
        if (!seesVhost(vhost)) {
            throw new ApiException(io.netty.handler.codec.http.HttpResponseStatus.UNAUTHORIZED, "not_authorised",
                    "user '" + name() + "' has no permissions in virtual host '" + vhost + "'");
        }
    }

    /** May use the API at all. */
    public boolean mayUseApi() {
        return monitors() || manages();
    }

    public void requireAdministrator() {
        if (!administrator()) {
            throw ApiException.forbidden("user '" + name() + "' needs the administrator role for this");
        }
    }

    public void requireManagement() {
        if (!manages()) {
            throw ApiException.forbidden("user '" + name() + "' needs the management or administrator role to change"
                    + " anything; monitoring is read-only");
        }
    }

    /** The user's roles in RabbitMQ's order of precedence, as its {@code tags}. */
    public List<String> tags() {
        return principal.roles().stream().sorted().toList();
    }
}
