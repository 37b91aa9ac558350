package io.ferrymq.core.message;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code assign} and {@code withId} copy a message field by field without its builder (one copy per publish), so a
 * field added to {@link Message} must be added to that copy too. Checked by reflection over every instance field:
 * the source sets all of them (so a new field fails here until it is set too), and each copy carries every one
 * but those it is meant to replace.
 */
class MessageCopyFieldsTest {

    /** What assign replaces; withId replaces the id only. */
    private static final Set<String> ASSIGNED = Set.of("id", "originConnection", "address", "routingKey");
    /** The cache of one instance's encodings: not part of the message's value, so not compared. */
    private static final String ENCODINGS = "encodings";

    private static Message everyFieldSet() {
        Message m = Message.builder()
                .id(1).durable(true).priority(7).timestamp(1_000).expiration(2_000).deliveryTime(1_500)
                .messageId("mid").correlationId("cid").replyTo("/queue/replies").contentType("text/plain")
                .contentEncoding("utf-8").userId("alice").subject("kind").groupId("g1").deduplicationId("d1")
                .address("orders").routingKey("eu.new").body(new byte[] {1, 2, 3})
                .nativeForm(new NativeForm("test", "native", 16)).originConnection(5)
                .property("region", "eu")
                .build();
        m.estimatedSize(); // fills the size memo, which copies carry
        return m;
    }

    /** Every instance field but the encodings cache. */
    private static List<Field> instanceFields() {
        List<Field> fields = new ArrayList<>();
        for (Field f : Message.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && !f.getName().equals(ENCODINGS)) {
                f.setAccessible(true);
                fields.add(f);
            }
        }
        return fields;
    }

    private static boolean isUnset(Object value) {
        return value == null || Boolean.FALSE.equals(value)
                || (value instanceof Number n && n.longValue() == 0) || "".equals(value);
    }

    @Test
    void theSourceOfThisTestSetsEveryField() throws IllegalAccessException {
        Message m = everyFieldSet();
        List<String> unset = new ArrayList<>();
        for (Field f : instanceFields()) {
            if (isUnset(f.get(m))) {
                unset.add(f.getName());
            }
        }
        assertThat(unset).as("fields of Message left at their default by everyFieldSet()").isEmpty();
    }

    @Test
    void assignCarriesEveryFieldButTheOnesItStamps() throws IllegalAccessException {
        Message m = everyFieldSet();
        Message assigned = m.assign(99, 8, "invoices", "us.new");

        for (Field f : instanceFields()) {
            if (!ASSIGNED.contains(f.getName())) {
                assertThat(f.get(assigned)).as(f.getName()).isEqualTo(f.get(m));
            }
        }
        assertThat(assigned.id()).isEqualTo(99);
        assertThat(assigned.originConnection()).isEqualTo(8);
        assertThat(assigned.address()).isEqualTo("invoices");
        assertThat(assigned.routingKey()).isEqualTo("us.new");
    }

    @Test
    void withIdCarriesEveryFieldButTheId() throws IllegalAccessException {
        Message m = everyFieldSet();
        Message copy = m.withId(42);

        for (Field f : instanceFields()) {
            if (!f.getName().equals("id")) {
                assertThat(f.get(copy)).as(f.getName()).isEqualTo(f.get(m));
            }
        }
        assertThat(copy.id()).isEqualTo(42);
    }
}
