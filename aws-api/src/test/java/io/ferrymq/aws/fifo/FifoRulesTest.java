package io.ferrymq.aws.fifo;

import io.ferrymq.aws.auth.SigV4;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The group and deduplication id rules SQS FIFO queues and SNS FIFO topics share. */
class FifoRulesTest {

    /** Refusals that say which rule was broken, so that a test can tell them apart. */
    private static final FifoRules.Refusals NAMED = new FifoRules.Refusals() {
        @Override
        public RuntimeException malformed(String parameter, String value) {
            return new IllegalArgumentException("malformed " + parameter + "=" + value);
        }

        @Override
        public RuntimeException groupIdMissing() {
            return new IllegalArgumentException("group missing");
        }

        @Override
        public RuntimeException deduplicationIdMissing() {
            return new IllegalArgumentException("dedup missing");
        }

        @Override
        public RuntimeException deduplicationIdNotAllowed(String value) {
            return new IllegalArgumentException("dedup not allowed " + value);
        }
    };

    @Test
    void aFifoMessageKeepsTheIdsItWasGiven() {
        assertThat(FifoRules.apply(true, false, "g1", "d1", "body", NAMED)).isEqualTo(new FifoRules.Ids("g1", "d1"));
    }

    @Test
    void aFifoMessageNeedsAGroupId() {
        assertThatThrownBy(() -> FifoRules.apply(true, true, null, "d1", "body", NAMED)).hasMessage("group missing");
    }

    @Test
    void withoutADeduplicationIdContentBasedDeduplicationHashesTheBody() {
        FifoRules.Ids ids = FifoRules.apply(true, true, "g1", null, "body", NAMED);

        assertThat(ids.deduplicationId()).isEqualTo(SigV4.sha256Hex("body")).hasSize(64);
    }

    @Test
    void withoutADeduplicationIdOrContentBasedDeduplicationTheMessageIsRefused() {
        assertThatThrownBy(() -> FifoRules.apply(true, false, "g1", null, "body", NAMED)).hasMessage("dedup missing");
    }

    @Test
    void aStandardQueueOrTopicRefusesADeduplicationIdButCarriesAGroupId() {
        assertThatThrownBy(() -> FifoRules.apply(false, false, null, "d1", "body", NAMED))
                .hasMessage("dedup not allowed d1");
        assertThat(FifoRules.apply(false, false, "g1", null, "body", NAMED)).isEqualTo(new FifoRules.Ids("g1", null));
        assertThat(FifoRules.apply(false, true, null, null, "body", NAMED)).isEqualTo(new FifoRules.Ids(null, null));
    }

    @Test
    void idsAreOneTo128AlphanumericOrPunctuationCharacters() {
        assertThat(FifoRules.validId("a")).isTrue();
        assertThat(FifoRules.validId("order-1.x_y!#")).isTrue();
        assertThat(FifoRules.validId("x".repeat(128))).isTrue();
        assertThat(FifoRules.validId("x".repeat(129))).isFalse();
        assertThat(FifoRules.validId("")).isFalse();
        assertThat(FifoRules.validId("with space")).isFalse();
        assertThat(FifoRules.validId("é")).isFalse();
        assertThat(FifoRules.validId(null)).isFalse();
    }

    @Test
    void aMalformedIdIsRefusedBeforeAnyOtherRule() {
        assertThatThrownBy(() -> FifoRules.apply(true, false, "bad group", null, "body", NAMED))
                .hasMessage("malformed MessageGroupId=bad group");
        assertThatThrownBy(() -> FifoRules.apply(true, false, null, "bad dedup", "body", NAMED))
                .hasMessage("malformed MessageDeduplicationId=bad dedup");
        assertThatThrownBy(() -> FifoRules.apply(false, false, "g", "x".repeat(129), "body", NAMED))
                .hasMessageStartingWith("malformed MessageDeduplicationId=");
    }

    @Test
    void deduplicationScopedToTheGroupKeysOnGroupAndId() {
        FifoRules.Ids a = new FifoRules.Ids("g1", "d");
        FifoRules.Ids b = new FifoRules.Ids("g2", "d");

        assertThat(a.deduplicationKey(false)).isEqualTo(b.deduplicationKey(false)).isEqualTo("d");
        assertThat(a.deduplicationKey(true)).isNotEqualTo(b.deduplicationKey(true));
    }
}
