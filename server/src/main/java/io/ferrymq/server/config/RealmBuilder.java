package io.ferrymq.server.config;

import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.UserAccount;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Builds the security realm from the {@code security} section; plain passwords are hashed here and dropped. */
public final class RealmBuilder {

    private RealmBuilder() {
    }

    public static ConfiguredRealm build(FerryConfig.Security s) {
        int iterations = s.passwordIterations() == null ? PasswordHash.DEFAULT_ITERATIONS : s.passwordIterations();
        if (iterations < 1) {
            throw new ConfigException("security.password-iterations must be positive");
        }
        List<UserAccount> users = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (FerryConfig.User u : nonNull(s.users())) {
            if (u.name() == null || u.name().isBlank()) {
                throw new ConfigException("security.users: every user needs a name");
            }
            if (!names.add(u.name())) {
                throw new ConfigException("security.users: user '" + u.name() + "' is defined twice");
            }
            PasswordHash hash;
            if (u.passwordHash() != null) {
                try {
                    hash = PasswordHash.parse(u.passwordHash());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("security.users." + u.name() + ".password-hash: " + e.getMessage());
                }
            } else if (u.password() != null) {
                hash = PasswordHash.create(u.password(), iterations);
            } else {
                throw new ConfigException("security.users." + u.name() + ": give a password or a password-hash");
            }
            users.add(new UserAccount(u.name(), hash, Set.copyOf(nonNull(u.roles())),
                    Boolean.TRUE.equals(u.loopbackOnly())));
        }
        List<PermissionRule> rules = new ArrayList<>();
        for (FerryConfig.Permission p : nonNull(s.permissions())) {
            if (p.match() == null || p.match().isBlank()) {
                throw new ConfigException("security.permissions: every rule needs a match pattern (# for everything)");
            }
            EnumSet<Permission> actions = EnumSet.noneOf(Permission.class);
            for (String a : nonNull(p.actions())) {
                try {
                    actions.add(Permission.parse(a));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("security.permissions (match " + p.match() + "): " + e.getMessage());
                }
            }
            rules.add(new PermissionRule(p.vhost(), NamePattern.of(p.match()), actions, Set.copyOf(nonNull(p.roles())),
                    Set.copyOf(nonNull(p.users()))));
        }
        try {
            return new ConfiguredRealm(users, rules, s.anonymousUser());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("security: " + e.getMessage());
        }
    }

    private static <T> List<T> nonNull(List<T> l) {
        return l == null ? List.of() : l;
    }
}
