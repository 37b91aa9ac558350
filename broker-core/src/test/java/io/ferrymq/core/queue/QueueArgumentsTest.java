package io.ferrymq.core.queue;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.policy.OverflowPolicy;
import io.ferrymq.core.policy.QueueSettings;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Declaration arguments ({@code x-...}) combine with a queue's policy settings as in RabbitMQ; malformed ones are refused by name. */
class QueueArgumentsTest {

    private static final QueueSettings BASE = new QueueSettings(DeadLetterTarget.queue("policy-dlq"), null, 7, 100,
            0, 0, OverflowPolicy.REJECT_PUBLISH, 0, false, 0, io.ferrymq.core.policy.MemoryFullPolicy.PAGE, 0);

    private static BrokerException invalid(Map<String, Object> args) {
        BrokerException e = catchThrowableOfType(BrokerException.class, () -> BASE.withArguments(args));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        return e;
    }

    @Test
    void noArgumentsKeepThePolicy() {
        assertThat(BASE.withArguments(Map.of())).isSameAs(BASE);
        assertThat(BASE.withArguments(null)).isSameAs(BASE);
    }

    @Test
    void everyKnownArgumentIsApplied() {
        Map<String, Object> args = new HashMap<>();
        args.put("x-dead-letter-exchange", "dlx");
        args.put("x-dead-letter-routing-key", "dead");
        args.put("x-message-ttl", 60);
        args.put("x-max-length", 10L);
        args.put("x-max-length-bytes", "4096");
        args.put("x-overflow", "drop-head");
        args.put("x-delivery-limit", (short) 3);
        args.put("x-redelivery-delay", 250);
        args.put("x-single-active-consumer", "true");

        QueueSettings s = BASE.withArguments(args);

        assertThat(s.deadLetter()).isEqualTo(new DeadLetterTarget("dlx", "dead"));
        assertThat(s.messageTtlMillis()).isEqualTo(60);
        assertThat(s.maxLength()).isEqualTo(10);
        assertThat(s.maxBytes()).isEqualTo(4096);
        assertThat(s.overflow()).isEqualTo(OverflowPolicy.DROP_HEAD);
        assertThat(s.maxDeliveries()).isEqualTo(3);
        assertThat(s.redeliveryDelayMillis()).isEqualTo(250);
        assertThat(s.singleActiveConsumer()).isTrue();
        assertThat(s.hasLimits()).isTrue();
    }

    @Test
    void forLimitsTheStricterOfPolicyAndArgumentAppliesAsInRabbitMq() {
        QueueSettings policy = new QueueSettings(DeadLetterTarget.queue("policy-dlq"), null, 7, 100, 50, 4096,
                OverflowPolicy.REJECT_PUBLISH, 0, false, 0, io.ferrymq.core.policy.MemoryFullPolicy.PAGE, 0);

        QueueSettings looser = policy.withArguments(Map.of("x-message-ttl", 60_000, "x-max-length", 500,
                "x-max-length-bytes", 1_000_000));
        assertThat(looser.messageTtlMillis()).isEqualTo(100);
        assertThat(looser.maxLength()).isEqualTo(50);
        assertThat(looser.maxBytes()).isEqualTo(4096);

        QueueSettings stricter = policy.withArguments(Map.of("x-message-ttl", 10, "x-max-length", 5,
                "x-max-length-bytes", 100));
        assertThat(stricter.messageTtlMillis()).isEqualTo(10);
        assertThat(stricter.maxLength()).isEqualTo(5);
        assertThat(stricter.maxBytes()).isEqualTo(100);

        // No limit in the policy: the argument's applies.
        assertThat(QueueSettings.DEFAULTS.withArguments(Map.of("x-max-length", 500)).maxLength()).isEqualTo(500);
    }

    @Test
    void forEverythingElseTheArgumentWinsAsInRabbitMq() {
        QueueSettings s = BASE.withArguments(Map.of("x-dead-letter-exchange", "dlx", "x-overflow", "drop-head"));
        assertThat(s.deadLetter()).isEqualTo(new DeadLetterTarget("dlx", null));
        assertThat(s.overflow()).isEqualTo(OverflowPolicy.DROP_HEAD);
        // The delivery limit too: an explicit 0 turns the policy's limit off (SQS queues rely on it).
        assertThat(BASE.withArguments(Map.of("x-delivery-limit", 20)).maxDeliveries()).isEqualTo(20);
        assertThat(BASE.withArguments(Map.of("x-delivery-limit", 0)).maxDeliveries()).isZero();
    }

    @Test
    void theEffectiveSettingsReadAsRabbitMqArguments() {
        QueueSettings s = BASE.withArguments(Map.of("x-max-length", 5, "x-overflow", "drop-head"));
        assertThat(s.asArguments()).containsEntry("x-dead-letter-exchange", "")
                .containsEntry("x-dead-letter-routing-key", "policy-dlq")
                .containsEntry("x-message-ttl", 100L)
                .containsEntry("x-max-length", 5L)
                .containsEntry("x-overflow", "drop-head")
                .containsEntry("x-delivery-limit", 7L)
                .doesNotContainKey("x-max-length-bytes");
    }

    @Test
    void unsetArgumentsKeepThePolicyValues() {
        QueueSettings s = BASE.withArguments(Map.of("x-max-length", 5, "x-custom", "kept but ignored"));

        assertThat(s.maxDeliveries()).isEqualTo(7);
        assertThat(s.messageTtlMillis()).isEqualTo(100);
        assertThat(s.deadLetter()).isEqualTo(DeadLetterTarget.queue("policy-dlq"));
    }

    @Test
    void aDeadLetterExchangeWithoutAKeyKeepsTheMessagesOwnKey() {
        assertThat(BASE.withArguments(Map.of("x-dead-letter-exchange", "dlx")).deadLetter())
                .isEqualTo(new DeadLetterTarget("dlx", null));
    }

    @Test
    void aDeadLetterKeyAloneKeepsThePolicysExchange() {
        QueueSettings withExchange = BASE.withArguments(Map.of("x-dead-letter-exchange", "dlx"));

        assertThat(withExchange.withArguments(Map.of("x-dead-letter-routing-key", "k")).deadLetter())
                .isEqualTo(new DeadLetterTarget("dlx", "k"));
        assertThat(QueueSettings.DEFAULTS.withArguments(Map.of("x-dead-letter-routing-key", "parked")).deadLetter())
                .isEqualTo(DeadLetterTarget.queue("parked"));
    }

    @Test
    void rabbitMqsRejectPublishDlxReadsAsRejectPublish() {
        assertThat(BASE.withArguments(Map.of("x-overflow", "reject-publish-dlx")).overflow())
                .isEqualTo(OverflowPolicy.REJECT_PUBLISH);
    }

    @Test
    void aNonNumericLimitIsRefusedByName() {
        assertThat(invalid(Map.of("x-max-length", "ten")).getMessage())
                .contains("x-max-length", "whole number", "ten");
        assertThat(invalid(Map.of("x-message-ttl", "1.5")).getMessage()).contains("x-message-ttl");
    }

    @Test
    void aNegativeValueIsRefusedByName() {
        assertThat(invalid(Map.of("x-delivery-limit", -1)).getMessage()).contains("x-delivery-limit", "negative");
        assertThat(invalid(Map.of("x-max-length-bytes", -10L)).getMessage()).contains("x-max-length-bytes");
        assertThat(invalid(Map.of("x-redelivery-delay", "-3")).getMessage()).contains("x-redelivery-delay");
    }

    @Test
    void anUnknownOverflowIsRefusedByName() {
        assertThat(invalid(Map.of("x-overflow", "spill")).getMessage()).contains("x-overflow", "spill");
    }

    @Test
    void aNonBooleanSingleActiveConsumerIsRefusedByName() {
        assertThat(invalid(Map.of("x-single-active-consumer", "yes")).getMessage())
                .contains("x-single-active-consumer", "true or false");
        assertThat(BASE.withArguments(Map.of("x-single-active-consumer", "FALSE")).singleActiveConsumer()).isFalse();
    }
}
