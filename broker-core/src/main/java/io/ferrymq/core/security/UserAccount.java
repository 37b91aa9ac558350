package io.ferrymq.core.security;

import java.util.Set;

/**
 * A configured user.
 *
 * @param loopbackOnly may only connect from this machine (the default {@code guest} user)
 */
public record UserAccount(String name, PasswordHash password, Set<String> roles, boolean loopbackOnly) {

    public UserAccount {
        roles = Set.copyOf(roles);
    }
}
