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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The configured realm authenticates users without revealing which ones exist, keeps loopback-only users
 * on this machine, and lets credential-less clients in only as the configured anonymous user.
 */
class RealmAuthenticationTest {

    private static final ClientInfo LOCAL = client(new InetSocketAddress("127.0.0.1", 5000));
    private static final ClientInfo REMOTE = client(new InetSocketAddress("10.1.2.3", 5000));

    private static ClientInfo client(InetSocketAddress remote) {
        return new ClientInfo(1, "test", remote, "test", null);
    }

    private static ConfiguredRealm realm(String anonymous) {
        List<UserAccount> users = List.of(
                new UserAccount("guest", PasswordHash.create("guest", 1000), Set.of("guests"), true),
                new UserAccount("app", PasswordHash.create("app-pw", 1000), Set.of("apps"), false));
        List<PermissionRule> rules = List.of(new PermissionRule("*", NamePattern.of("#"),
                EnumSet.allOf(Permission.class), Set.of("apps", "guests"), Set.of()));
        return new ConfiguredRealm(users, rules, anonymous);
    }

    private static BrokerException refusal(ConfiguredRealm r, String user, String password, ClientInfo from) {
        BrokerException e = catchThrowableOfType(BrokerException.class, () -> r.authenticate(user, password, from));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        return e;
    }

    @Test
    void theRightPasswordGivesThePrincipalWithItsRoles() {
        BrokerPrincipal p = realm(null).authenticate("app", "app-pw", REMOTE);

        assertThat(p.name()).isEqualTo("app");
        assertThat(p.roles()).containsExactly("apps");
    }

    @Test
    void aWrongPasswordAndAnUnknownUserFailAlike() {
        ConfiguredRealm r = realm(null);

        String wrongPassword = refusal(r, "app", "nope", REMOTE).getMessage();
        String unknownUser = refusal(r, "nobody", "nope", REMOTE).getMessage();

        assertThat(wrongPassword.replace("'app'", "'X'")).isEqualTo(unknownUser.replace("'nobody'", "'X'"));
        assertThat(wrongPassword).doesNotContain("nope");
    }

    @Test
    void aMissingPasswordFails() {
        refusal(realm(null), "app", null, REMOTE);
    }

    @Test
    void aRepeatedLoginStillChecksThePassword() {
        ConfiguredRealm r = realm(null);
        r.authenticate("app", "app-pw", REMOTE);

        refusal(r, "app", "app-pw-2", REMOTE);
        assertThat(r.authenticate("app", "app-pw", REMOTE).name()).isEqualTo("app");
    }

    @Test
    void aLoopbackOnlyUserIsRefusedFromElsewhere() {
        BrokerException e = refusal(realm(null), "guest", "guest", REMOTE);

        assertThat(e.getMessage()).contains("guest", "localhost");
    }

    @Test
    void aLoopbackOnlyUserIsAcceptedFromLoopbackOrInProcess() {
        ConfiguredRealm r = realm(null);

        assertThat(r.authenticate("guest", "guest", LOCAL).name()).isEqualTo("guest");
        assertThat(r.authenticate("guest", "guest", client(new InetSocketAddress("::1", 5000))).name())
                .isEqualTo("guest");
        assertThat(r.authenticate("guest", "guest", client(null)).name()).isEqualTo("guest");
    }

    @Test
    void withoutAnAnonymousUserClientsMustGiveCredentials() {
        BrokerException e = refusal(realm(null), null, null, LOCAL);

        assertThat(e.getMessage()).contains("credentials required");
        refusal(realm(null), "", "", LOCAL);
    }

    @Test
    void aClientWithoutCredentialsActsAsTheAnonymousUser() {
        ConfiguredRealm r = realm("app");

        assertThat(r.authenticate(null, null, REMOTE).name()).isEqualTo("app");
        assertThat(r.authenticate("", null, REMOTE).name()).isEqualTo("app");
        refusal(r, "app", "wrong", REMOTE);
    }

    @Test
    void anAnonymousLoopbackOnlyUserIsStillKeptToLoopback() {
        ConfiguredRealm r = realm("guest");

        assertThat(r.authenticate(null, null, LOCAL).name()).isEqualTo("guest");
        refusal(r, null, null, REMOTE);
    }

    @Test
    void theAnonymousUserMustBeConfigured() {
        assertThatThrownBy(() -> realm("ghost"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ghost");
    }
}
