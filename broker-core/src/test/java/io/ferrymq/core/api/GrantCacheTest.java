package io.ferrymq.core.api;

import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.BrokerPrincipal;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.SecurityRealm;
import io.ferrymq.core.security.UserAccount;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session asks the realm once per permission and destination, not once per message, and still follows every
 * change an operator makes at once; it keeps a bounded number of answers, and never answers one question with
 * another's answer.
 */
class GrantCacheTest {

    private static final BrokerPrincipal ALICE = new BrokerPrincipal("alice", Set.of("producers"));

    /** Counts the checks that reach the rules. */
    private static final class CountingRealm implements SecurityRealm {
        final ConfiguredRealm rules;
        final AtomicInteger checks = new AtomicInteger();
        final boolean versioned;

        CountingRealm(ConfiguredRealm rules, boolean versioned) {
            this.rules = rules;
            this.versioned = versioned;
        }

        @Override
        public BrokerPrincipal authenticate(String username, String password, ClientInfo client) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isAllowed(BrokerPrincipal who, Permission what, String vhost, String resource) {
            checks.incrementAndGet();
            return rules.isAllowed(who, what, vhost, resource);
        }

        @Override
        public boolean mayAccess(BrokerPrincipal who, String vhost) {
            return rules.mayAccess(who, vhost);
        }

        @Override
        public long permissionsVersion() {
            return versioned ? rules.permissionsVersion() : -1;
        }
    }

    private static ConfiguredRealm realm() {
        return new ConfiguredRealm(
                List.of(new UserAccount("alice", PasswordHash.create("pw", 1000), Set.of("producers"), false)),
                List.of(new PermissionRule("*", NamePattern.of("orders.#"), EnumSet.of(Permission.SEND),
                        Set.of("producers"), Set.of())),
                null);
    }

    @Test
    void repeatedChecksOfOneDestinationAskTheRealmOnce() {
        CountingRealm realm = new CountingRealm(realm(), true);
        GrantCache cache = new GrantCache(realm, ALICE, "/");
        for (int i = 0; i < 1000; i++) {
            assertThat(cache.isAllowed(Permission.SEND, "orders.new")).isTrue();
            assertThat(cache.isAllowed(Permission.SEND, "audit")).isFalse();
        }
        assertThat(realm.checks.get()).isEqualTo(2);
    }

    @Test
    void aRevokedPermissionIsRefusedAtTheNextCheck() {
        CountingRealm realm = new CountingRealm(realm(), true);
        GrantCache cache = new GrantCache(realm, ALICE, "/");
        realm.rules.replaceUserRules("alice", "/", List.of(new PermissionRule("/", NamePattern.of("audit"),
                EnumSet.of(Permission.SEND), Set.of(), Set.of("alice"))));
        assertThat(cache.isAllowed(Permission.SEND, "audit")).isTrue();
        assertThat(cache.isAllowed(Permission.SEND, "audit")).isTrue();

        realm.rules.replaceUserRules("alice", "/", List.of());

        assertThat(cache.isAllowed(Permission.SEND, "audit")).isFalse();
        // The role's rule was untouched, and what it allows is still allowed.
        assertThat(cache.isAllowed(Permission.SEND, "orders.new")).isTrue();
    }

    @Test
    void aDenialIsNotKeptOnceThePermissionIsGranted() {
        CountingRealm realm = new CountingRealm(realm(), true);
        GrantCache cache = new GrantCache(realm, ALICE, "/");
        assertThat(cache.isAllowed(Permission.SEND, "audit")).isFalse();

        realm.rules.replaceUserRules("alice", "/", List.of(new PermissionRule("/", NamePattern.of("audit"),
                EnumSet.of(Permission.SEND), Set.of(), Set.of("alice"))));

        assertThat(cache.isAllowed(Permission.SEND, "audit")).isTrue();
    }

    @Test
    void anAnswerIsKeptForItsOwnPermissionAndResourceOnly() {
        CountingRealm realm = new CountingRealm(realm(), true);
        GrantCache cache = new GrantCache(realm, ALICE, "/");
        assertThat(cache.isAllowed(Permission.SEND, "orders.new")).isTrue();
        assertThat(cache.isAllowed(Permission.CONSUME, "orders.new")).isFalse();
        assertThat(cache.isAllowed(Permission.SEND, "orders.new")).isTrue();
        // Many resources share the few slots: whatever is pushed out or collides, each gets its own answer.
        for (int i = 0; i < 500; i++) {
            assertThat(cache.isAllowed(Permission.SEND, "orders." + i)).as("orders.%s", i).isTrue();
            assertThat(cache.isAllowed(Permission.SEND, "audit." + i)).as("audit.%s", i).isFalse();
            assertThat(cache.isAllowed(Permission.CONSUME, "orders." + i)).as("consume orders.%s", i).isFalse();
        }
        assertThat(cache.isAllowed(Permission.SEND, "Aa")).isFalse();
        // "Aa" and "BB" have the same hash: the same slot, told apart by the name.
        assertThat(cache.isAllowed(Permission.SEND, "BB")).isFalse();
        assertThat(cache.isAllowed(Permission.SEND, "orders.Aa")).isTrue();
    }

    @Test
    void theNumberOfKeptAnswersIsBounded() {
        CountingRealm realm = new CountingRealm(realm(), true);
        GrantCache cache = new GrantCache(realm, ALICE, "/");
        for (int i = 0; i < 10_000; i++) {
            for (Permission p : Permission.values()) {
                cache.isAllowed(p, "orders." + i);
            }
        }
        assertThat(cache.size()).isLessThanOrEqualTo(GrantCache.capacity()).isLessThanOrEqualTo(64);
    }

    @Test
    void aRealmWithoutVersionsIsAskedEveryTime() {
        CountingRealm realm = new CountingRealm(realm(), false);
        GrantCache cache = new GrantCache(realm, ALICE, "/");
        for (int i = 0; i < 10; i++) {
            cache.isAllowed(Permission.SEND, "orders.new");
        }
        assertThat(realm.checks.get()).isEqualTo(10);
        assertThat(cache.size()).isZero();
    }
}
