package io.ferrymq.transport.config;

import java.util.Set;

/**
 * What the {@code security} section declares, for protocol settings that refer to users (an AWS access key
 * acts as a broker user; anonymous AMQP clients act as the anonymous user). The realm itself stays the core's.
 *
 * @param names         every configured user
 * @param anonymousUser the user clients without credentials act as, or null when there is none
 */
public record ConfiguredUsers(Set<String> names, String anonymousUser) {

    public ConfiguredUsers {
        names = Set.copyOf(names);
    }

    public static ConfiguredUsers none() {
        return new ConfiguredUsers(Set.of(), null);
    }
}
