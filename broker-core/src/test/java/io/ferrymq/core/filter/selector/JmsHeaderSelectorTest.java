package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Selectors on JMS header identifiers, evaluated against real messages. */
class JmsHeaderSelectorTest {

    private static final Message ORDER = Message.builder()
            .priority(7)
            .durable(true)
            .messageId("ID:order-42")
            .correlationId("corr-1")
            .subject("order.created")
            .timestamp(1_700_000_000_000L)
            .property("color", "red")
            .property("quantity", 12)
            .build();

    private static final Message BARE = Message.builder().build();

    static Stream<Arguments> orderTable() {
        return Stream.of(
                arguments("JMSPriority = 7", true),
                arguments("JMSPriority > 5", true),
                arguments("JMSPriority BETWEEN 0 AND 4", false),
                arguments("JMSPriority >= 7.0", true),
                arguments("JMSPriority = '7'", false),
                arguments("JMSDeliveryMode = 'PERSISTENT'", true),
                arguments("JMSDeliveryMode = 'NON_PERSISTENT'", false),
                arguments("JMSMessageID = 'ID:order-42'", true),
                arguments("JMSMessageID LIKE 'ID:%'", true),
                arguments("JMSCorrelationID = 'corr-1'", true),
                arguments("JMSCorrelationID IN ('corr-0', 'corr-1')", true),
                arguments("JMSType = 'order.created'", true),
                arguments("JMSType LIKE 'order.%'", true),
                arguments("JMSType LIKE 'order_created'", true),
                arguments("JMSType LIKE 'invoice.%'", false),
                arguments("JMSTimestamp = 1700000000000", true),
                arguments("JMSTimestamp > 1600000000000", true),
                arguments("JMSTimestamp > 1.6E12", true),
                arguments("JMSTimestamp BETWEEN 1700000000000 - 1000 AND 1700000000000 + 1000", true),
                arguments("color = 'red' AND JMSPriority >= 7 AND quantity > 10", true),
                arguments("color = 'red' AND JMSDeliveryMode = 'NON_PERSISTENT'", false),
                arguments("JMSCorrelationID IS NOT NULL", true),
                arguments("jmspriority = 7", false));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("orderTable")
    void headerIdentifiersReadTheMessageHeaders(String selector, boolean expected) {
        Selector s = Selector.parse(selector);
        assertThat(s.test(ORDER)).isEqualTo(expected);
        assertThat(s.matches(ORDER)).isEqualTo(expected);
    }

    static Stream<Arguments> bareTable() {
        return Stream.of(
                arguments("JMSPriority = 4", true),
                arguments("JMSDeliveryMode = 'NON_PERSISTENT'", true),
                arguments("JMSCorrelationID IS NULL", true),
                arguments("JMSMessageID IS NULL", true),
                arguments("JMSType IS NULL", true),
                arguments("JMSTimestamp = 0", true),
                arguments("JMSCorrelationID = 'corr-1'", false),
                arguments("JMSCorrelationID <> 'corr-1'", false),
                arguments("JMSType NOT LIKE 'order.%'", false),
                arguments("JMSType IS NULL OR JMSType <> 'order.created'", true),
                arguments("color IS NULL", true));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("bareTable")
    void absentHeadersAreNull(String selector, boolean expected) {
        assertThat(Selector.parse(selector).test(BARE)).isEqualTo(expected);
    }

    @Test
    void deliveryModeFollowsDurability() {
        Selector persistent = Selector.parse("JMSDeliveryMode = 'PERSISTENT'");

        assertThat(persistent.test(Message.builder().durable(true).build())).isTrue();
        assertThat(persistent.test(Message.builder().durable(false).build())).isFalse();
    }

    @Test
    void prioritySelectorSeesEachPriority() {
        Selector high = Selector.parse("JMSPriority > 4");

        for (int priority = 0; priority <= Message.MAX_PRIORITY; priority++) {
            Message m = Message.builder().priority(priority).build();
            assertThat(high.test(m)).as("priority %d", priority).isEqualTo(priority > 4);
        }
    }
}
