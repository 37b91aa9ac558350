package io.ferrymq.core.security;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.routing.NamePattern;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Looking up a configured user's principal without a password, for protocols that authenticate by their
 * own means (SigV4 access keys, client certificates) and then act as that user.
 */
class PrincipalLookupTest {

    private static final ClientInfo LOCAL = new ClientInfo(1, "test", new InetSocketAddress("127.0.0.1", 5000), "test", null);
    private static final ClientInfo REMOTE = new ClientInfo(2, "test", new InetSocketAddress("10.1.2.3", 5000), "test", null);

    private final ConfiguredRealm realm = new ConfiguredRealm(
            List.of(new UserAccount("app", PasswordHash.create("pw", 1000), Set.of("producers", "consumers"), false),
                    new UserAccount("guest", PasswordHash.create("guest", 1000), Set.of("administrator"), true)),
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
    void aUserVouchedForByACertificateKeepsTheLoopbackOnlyRule() {
        assertThat(realm.vouchedFor("guest", LOCAL).name()).isEqualTo("guest");
        assertThat(realm.vouchedFor("app", REMOTE).name()).isEqualTo("app");
        assertThatThrownBy(() -> realm.vouchedFor("guest", REMOTE))
                .isInstanceOfSatisfying(BrokerException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
                    assertThat(e.getMessage()).contains("may only connect from localhost");
                });
        assertThatThrownBy(() -> realm.vouchedFor("nobody", LOCAL))
                .isInstanceOfSatisfying(BrokerException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED));
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
