package io.ferrymq.aws.auth;

import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.security.Permission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an SQS or SNS action needs of the broker's security model, checked with the core's own rules
 * ({@link Session#isAllowed}) on the queue or topic (exchange) the action addresses. Each service keeps a
 * table of its actions; an action is allowed when the caller holds any one of its permissions.
 */
public final class ActionPermissions {

    /** Reading a resource's state (attributes, tags, subscriptions, move tasks): browse/consume, or manage. */
    public static final Set<Permission> READ = Set.copyOf(EnumSet.of(Permission.CONSUME, Permission.MANAGE));
    /** Learning that a resource exists (queue URLs, listings): any permission on it. */
    public static final Set<Permission> ANY = Set.copyOf(EnumSet.allOf(Permission.class));

    private static final Logger LOG = LoggerFactory.getLogger(ActionPermissions.class);

    private ActionPermissions() {
    }

    /**
     * @throws BrokerException UNAUTHORIZED (AccessDenied in SQS, AuthorizationError in SNS) unless the session's
     *                         user holds one of {@code anyOf} on {@code resource}
     */
    public static void require(Session session, String action, Set<Permission> anyOf, String resource) {
        if (allowed(session, anyOf, resource)) {
            return;
        }
        String needed = anyOf.stream().sorted().map(p -> p.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(" or "));
        String message = "user '" + session.principal().name() + "' may not call " + action + " on '" + resource
                + "' in vhost '" + session.vhostName() + "': that needs " + needed + " permission";
        LOG.info("Refused: {}", message);
        throw BrokerException.unauthorized(message);
    }

    /** Whether the session's user holds one of {@code anyOf} on {@code resource}. */
    public static boolean allowed(Session session, Set<Permission> anyOf, String resource) {
        for (Permission p : anyOf) {
            if (session.isAllowed(p, resource)) {
                return true;
            }
        }
        return false;
    }

    /** Whether listings show the resource to the session's user: it holds some permission on it. */
    public static boolean visible(Session session, String resource) {
        return allowed(session, ANY, resource);
    }
}
