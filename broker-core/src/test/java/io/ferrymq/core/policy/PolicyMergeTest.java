package io.ferrymq.core.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every policy whose pattern matches a queue name contributes; a more specific pattern wins field by
 * field, and fields no policy sets keep the built-in defaults.
 */
class PolicyMergeTest {

    @Test
    void withoutPoliciesTheBuiltInDefaultsApply() {
        QueueSettings s = PolicyTable.empty().settingsFor("anything");

        assertThat(s).isEqualTo(QueueSettings.DEFAULTS);
        assertThat(PolicyTable.empty().autoCreateQueues("anything")).isTrue();
    }

    @Test
    void theMostSpecificPolicyWinsPerFieldWhateverTheDeclarationOrder() {
        PolicyTable table = new PolicyTable(List.of(
                AddressPolicy.matching("orders.eu").withMaxDeliveries(2),
                AddressPolicy.matching("#").withMaxDeliveries(9).withMessageTtlMillis(1_000L),
                AddressPolicy.matching("orders.#").withMaxDeliveries(5).withDeadLetter(DeadLetterTarget.queue("DLQ")),
                AddressPolicy.matching("orders.*").withMaxDeliveries(4).withRedeliveryDelayMillis(50L)));

        QueueSettings eu = table.settingsFor("orders.eu");
        assertThat(eu.maxDeliveries()).isEqualTo(2);
        assertThat(eu.redeliveryDelayMillis()).as("from orders.*").isEqualTo(50);
        assertThat(eu.deadLetter()).as("from orders.#").isEqualTo(DeadLetterTarget.queue("DLQ"));
        assertThat(eu.messageTtlMillis()).as("from #").isEqualTo(1_000);

        QueueSettings us = table.settingsFor("orders.us");
        assertThat(us.maxDeliveries()).isEqualTo(4);

        QueueSettings deep = table.settingsFor("orders.us.west");
        assertThat(deep.maxDeliveries()).isEqualTo(5);
        assertThat(deep.redeliveryDelayMillis()).isZero();

        assertThat(table.settingsFor("invoices").maxDeliveries()).isEqualTo(9);
        assertThat(table.settingsFor("invoices").deadLetter()).isNull();
    }

    @Test
    void anUnsetFieldDoesNotOverrideALessSpecificPolicy() {
        PolicyTable table = new PolicyTable(List.of(
                AddressPolicy.matching("#").withLimits(100L, 1_000L, OverflowPolicy.DROP_HEAD),
                AddressPolicy.matching("q").withSingleActiveConsumer(true)));

        QueueSettings s = table.settingsFor("q");

        assertThat(s.maxLength()).isEqualTo(100);
        assertThat(s.maxBytes()).isEqualTo(1_000);
        assertThat(s.overflow()).isEqualTo(OverflowPolicy.DROP_HEAD);
        assertThat(s.singleActiveConsumer()).isTrue();
    }

    @Test
    void autoCreationCanBeSwitchedOffForSomeNames() {
        PolicyTable table = new PolicyTable(List.of(AddressPolicy.matching("fixed.#").withAutoCreateQueues(false),
                AddressPolicy.matching("fixed.open").withAutoCreateQueues(true)));

        assertThat(table.autoCreateQueues("fixed.q")).isFalse();
        assertThat(table.autoCreateQueues("fixed.open")).isTrue();
        assertThat(table.autoCreateQueues("other")).isTrue();
    }

    @Test
    void policiesAreListedLeastSpecificFirst() {
        PolicyTable table = new PolicyTable(List.of(AddressPolicy.matching("a.b"), AddressPolicy.matching("#"),
                AddressPolicy.matching("a.#")));

        assertThat(table.policies()).extracting(p -> p.match().text()).containsExactly("#", "a.#", "a.b");
    }

    @Test
    void overflowPoliciesParseFromConfigurationText() {
        assertThat(OverflowPolicy.parse("reject-publish")).isEqualTo(OverflowPolicy.REJECT_PUBLISH);
        assertThat(OverflowPolicy.parse(" DROP_HEAD ")).isEqualTo(OverflowPolicy.DROP_HEAD);
        assertThat(OverflowPolicy.parse("block")).isEqualTo(OverflowPolicy.BLOCK);
        assertThatThrownBy(() -> OverflowPolicy.parse("spill"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spill");
    }

    @Test
    void deadLetterTargetsDescribeThemselves() {
        assertThat(DeadLetterTarget.queue("DLQ").isQueue()).isTrue();
        assertThat(DeadLetterTarget.queue("DLQ").describe()).isEqualTo("queue 'DLQ'");
        assertThat(new DeadLetterTarget("dlx", null).isQueue()).isFalse();
        assertThat(new DeadLetterTarget("dlx", "k").describe()).isEqualTo("exchange 'dlx' with key 'k'");
    }
}
