package io.ferrymq.core.message;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A message derived from another (a publish's assign, a builder copy) shares its properties until it changes one:
 * the source never sees the change, and an unchanged copy costs no map of its own.
 */
class MessagePropertiesCopyTest {

    private static Message source() {
        return Message.builder().property("region", "eu").property("attempt", 2).body(new byte[] {1}).build();
    }

    @Test
    void anAssignedCopySharesThePropertiesOfItsSource() {
        Message m = source();
        Message assigned = m.assign(7, 1, "orders", "");

        assertThat(assigned.properties()).isSameAs(m.properties()).containsEntry("region", "eu");
        assertThatThrownBy(() -> assigned.properties().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void changingACopysPropertiesLeavesTheSourceAlone() {
        Message m = source();
        Message.Builder b = m.toBuilder();

        Message changed = b.property("region", "us").removeProperty("attempt").property("added", true).build();

        assertThat(changed.properties()).containsExactly(java.util.Map.entry("region", "us"),
                java.util.Map.entry("added", true));
        assertThat(m.properties()).containsExactly(java.util.Map.entry("region", "eu"),
                java.util.Map.entry("attempt", 2));
    }

    @Test
    void aBuilderChangedAfterBuildingACopyDoesNotChangeThatCopy() {
        Message m = source();
        Message.Builder b = m.toBuilder();
        Message first = b.build();

        b.property("later", "x");

        assertThat(first.properties()).doesNotContainKey("later");
        assertThat(b.build().properties()).containsEntry("later", "x").containsEntry("region", "eu");
    }
}
