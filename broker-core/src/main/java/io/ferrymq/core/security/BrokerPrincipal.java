package io.ferrymq.core.security;

import java.util.Set;

/** An authenticated identity and its roles; what authorisation decisions are made about. */
public record BrokerPrincipal(String name, Set<String> roles) {

    public BrokerPrincipal {
        roles = Set.copyOf(roles);
    }
}
