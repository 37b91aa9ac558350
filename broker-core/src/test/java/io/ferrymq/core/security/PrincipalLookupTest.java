package io.ferrymq.core.security;

import io.ferrymq.core.routing.NamePattern;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Looking up a configured user's principal without a password, for protocols that authenticate by their
 * own means (SigV4 access keys) and then act as that user.
 */
class PrincipalLookupTest {

    private final ConfiguredRealm realm = new ConfiguredRealm(
            List.of(new UserAccount("app", PasswordHash.create("pw", 1000), Set.of("producers", "consumers"), false)),
            List.of(new PermissionRule("*", NamePattern.of("#"), EnumSet.of(Permission.SEND), Set.of("producers"),
                    Set.of())), null);

    @Test
    void aConfiguredUserIsFoundWithItsRoles() {
        assertThat(realm.principalOf("app")).hasValueSatisfying(p -> {
            assertThat(p.name()).isEqualTo("app");
            assertThat(p.roles()).containsExactlyInAnyOrder("producers", "consumers");
            assertThat(realm.isAllowed(p, Permission.SEND, "/", "q")).isTrue();
        });
    }

    @Test
    void anUnknownOrMissingUserIsEmpty() {
        assertThat(realm.principalOf("nobody")).isEmpty();
        assertThat(realm.principalOf(null)).isEmpty();
    }

    @Test
    void realmsThatCannotTellAnswerEmptyByDefault() {
        SecurityRealm minimal = new SecurityRealm() {
            @Override
            public BrokerPrincipal authenticate(String username, String password, io.ferrymq.core.security.ClientInfo c) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isAllowed(BrokerPrincipal who, Permission what, String vhost, String resource) {
                return false;
            }

            @Override
            public boolean mayAccess(BrokerPrincipal who, String vhost) {
                return false;
            }
        };
        assertThat(minimal.principalOf("app")).isEmpty();
    }
}
