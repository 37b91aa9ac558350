package io.ferrymq.core.security;

import io.ferrymq.core.routing.NamePattern;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Permission rules allow actions on names matching a pattern, in a vhost, for roles or named users. */
class PermissionRuleTest {

    private static final BrokerPrincipal ALICE = new BrokerPrincipal("alice", Set.of("apps"));
    private static final BrokerPrincipal BOB = new BrokerPrincipal("bob", Set.of("ops"));
    private static final BrokerPrincipal CAROL = new BrokerPrincipal("carol", Set.of());

    private static ConfiguredRealm realm(PermissionRule... rules) {
        return new ConfiguredRealm(List.of(), List.of(rules), null);
    }

    @Test
    void aRuleAllowsItsActionsOnMatchingNamesOnly() {
        ConfiguredRealm r = realm(new PermissionRule("*", NamePattern.of("orders.#"),
                EnumSet.of(Permission.SEND, Permission.CONSUME), Set.of("apps"), Set.of()));

        assertThat(r.isAllowed(ALICE, Permission.SEND, "/", "orders")).isTrue();
        assertThat(r.isAllowed(ALICE, Permission.CONSUME, "/", "orders.eu.new")).isTrue();
        assertThat(r.isAllowed(ALICE, Permission.DELETE, "/", "orders.eu")).as("action not listed").isFalse();
        assertThat(r.isAllowed(ALICE, Permission.SEND, "/", "invoices")).as("name not matched").isFalse();
    }

    @Test
    void aRuleAppliesToItsRolesAndItsNamedUsers() {
        ConfiguredRealm r = realm(new PermissionRule("*", NamePattern.of("#"), EnumSet.of(Permission.SEND),
                Set.of("apps"), Set.of("carol")));

        assertThat(r.isAllowed(ALICE, Permission.SEND, "/", "q")).as("by role").isTrue();
        assertThat(r.isAllowed(CAROL, Permission.SEND, "/", "q")).as("by name").isTrue();
        assertThat(r.isAllowed(BOB, Permission.SEND, "/", "q")).isFalse();
    }

    @Test
    void aRuleForOneVirtualHostDoesNotApplyInAnother() {
        ConfiguredRealm r = realm(new PermissionRule("prod", NamePattern.of("#"), EnumSet.allOf(Permission.class),
                Set.of("ops"), Set.of()));

        assertThat(r.isAllowed(BOB, Permission.SEND, "prod", "q")).isTrue();
        assertThat(r.isAllowed(BOB, Permission.SEND, "/", "q")).isFalse();
        assertThat(r.mayAccess(BOB, "prod")).isTrue();
        assertThat(r.mayAccess(BOB, "/")).isFalse();
    }

    @Test
    void aNullVirtualHostMeansAll() {
        PermissionRule rule = new PermissionRule(null, NamePattern.of("#"), EnumSet.of(Permission.SEND),
                Set.of("ops"), Set.of());

        assertThat(rule.vhost()).isEqualTo("*");
        assertThat(realm(rule).isAllowed(BOB, Permission.SEND, "anything", "q")).isTrue();
    }

    @Test
    void rulesAddUpAndWhatNoneAllowsIsDenied() {
        ConfiguredRealm r = realm(
                new PermissionRule("*", NamePattern.of("a.#"), EnumSet.of(Permission.SEND), Set.of("apps"), Set.of()),
                new PermissionRule("*", NamePattern.of("b.*"), EnumSet.of(Permission.CONSUME), Set.of("apps"),
                        Set.of()));

        assertThat(r.isAllowed(ALICE, Permission.SEND, "/", "a.x")).isTrue();
        assertThat(r.isAllowed(ALICE, Permission.CONSUME, "/", "b.x")).isTrue();
        assertThat(r.isAllowed(ALICE, Permission.CONSUME, "/", "a.x")).isFalse();
        assertThat(r.isAllowed(ALICE, Permission.SEND, "/", "b.x")).isFalse();
        assertThat(realm().isAllowed(ALICE, Permission.SEND, "/", "a")).as("no rules, nothing allowed").isFalse();
        assertThat(realm().mayAccess(ALICE, "/")).isFalse();
    }

    @Test
    void aPatternResourceIsAllowedOnlyIfEverythingItCanMatchIs() {
        ConfiguredRealm r = realm(new PermissionRule("*", NamePattern.of("sensors.*"), EnumSet.of(Permission.CONSUME),
                Set.of("apps"), Set.of()));

        assertThat(r.isAllowed(ALICE, Permission.CONSUME, "/", "sensors.*")).isTrue();
        assertThat(r.isAllowed(ALICE, Permission.CONSUME, "/", "sensors.#")).isFalse();
        assertThat(r.isAllowed(ALICE, Permission.CONSUME, "/", "*.temp")).isFalse();
        assertThat(r.isAllowed(ALICE, Permission.CONSUME, "/", "#")).isFalse();
    }

    @Test
    void permissionsParseCaseInsensitivelyAndNameTheChoicesWhenUnknown() {
        assertThat(Permission.parse(" Send ")).isEqualTo(Permission.SEND);
        assertThatThrownBy(() -> Permission.parse("write"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("write").hasMessageContaining("consume");
    }
}
