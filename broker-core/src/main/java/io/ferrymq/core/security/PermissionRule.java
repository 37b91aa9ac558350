package io.ferrymq.core.security;

import io.ferrymq.core.routing.NamePattern;

import java.util.Set;

/**
 * Allows the listed actions on queues, exchanges and topics whose names match {@code match}, in virtual
 * hosts matching {@code vhost}, to principals having one of {@code roles} (or named in {@code users}).
 * Rules only allow; whatever no rule allows is denied.
 */
public record PermissionRule(String vhost, NamePattern match, Set<Permission> actions, Set<String> roles,
                             Set<String> users) {

    public PermissionRule {
        vhost = vhost == null ? "*" : vhost;
        actions = Set.copyOf(actions);
        roles = Set.copyOf(roles);
        users = Set.copyOf(users);
    }

    boolean appliesTo(BrokerPrincipal who, String inVhost) {
        if (!vhost.equals("*") && !vhost.equals(inVhost)) {
            return false;
        }
        if (users.contains(who.name())) {
            return true;
        }
        for (String r : who.roles()) {
            if (roles.contains(r)) {
                return true;
            }
        }
        return false;
    }

    /** A resource may itself be a pattern (a topic subscription): then all it can match must be allowed. */
    boolean allows(BrokerPrincipal who, Permission what, String inVhost, String resource) {
        return actions.contains(what) && appliesTo(who, inVhost) && match.covers(resource);
    }
}
